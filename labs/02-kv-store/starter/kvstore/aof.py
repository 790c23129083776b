"""The append-only log (AOF): durability, recovery and compaction.

Every write command is appended to DIR/appendonly.aof. Replaying the log
from the start rebuilds the keyspace. The format is yours; Redis's own is a
good choice: each record is the RESP array of a command (resp.command()),
so that resp.Parser replays it.

The rules (the brief explains each):

* Durability: hand each record to the operating system at once (os.write on
  a descriptor from os.open: no buffer in your process) and fsync it before
  the server replies. The server calls Database.commit(), hence sync(), after
  each batch of commands and before sending their replies.
* Recovery: a crash can cut the last record short. Replay every complete
  record, then truncate the file after the last one, so that new records are
  not appended after torn bytes.
* Compaction: once the log grows past compact_bytes, replace it with a
  snapshot of the live keys: write a temporary file in the same folder,
  fsync it, os.replace() it over the log, fsync the folder, and append to the
  new file from then on. Never rewrite the log in place.
"""

from __future__ import annotations

import os  # noqa: F401  (os.open, os.write, os.fsync, os.ftruncate, os.replace)
from collections.abc import Callable, Iterable
from pathlib import Path

from . import resp  # noqa: F401

LOG_NAME = "appendonly.aof"
TEMP_NAME = "appendonly.aof.rewrite"


class AppendOnlyLog:
    """DIR/appendonly.aof: append, fsync, replay and rewrite."""

    def __init__(self, directory: Path, compact_bytes: int) -> None:
        self.directory = directory
        self.path = directory / LOG_NAME
        self.compact_bytes = compact_bytes
        self.size = 0  # bytes in the log
        # TODO: more state: the open descriptor, whether anything was appended since the last fsync, ...

    def load(self, apply: Callable[[list[bytes]], object]) -> int:
        """Replay every complete record through apply(record), cut off a torn tail, open the log for appending.

        Called once, at start-up, before the server listens. Returns how many
        bytes of a torn tail were dropped (0 for a clean log).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        # TODO: read the log (if there is one), parse its records with resp.Parser and apply
        #       each complete one; remember where the last complete record ends (parser.consumed).
        #       Truncate anything after it. Then open the file for appending
        #       (os.open with os.O_WRONLY | os.O_CREAT | os.O_APPEND).
        return 0

    def append(self, record: list[bytes]) -> None:
        """Write one record to the operating system now. It is durable only after sync()."""
        # TODO

    def sync(self) -> None:
        """fsync everything appended so far. The server calls it before acknowledging writes."""
        # TODO

    def needs_rewrite(self) -> bool:
        """True when the log should be compacted: it has grown past compact_bytes (and, better, to
        twice its size after the last rewrite, so that a big live dataset is not rewritten after every write)."""
        # TODO
        return False

    def postpone_rewrite(self) -> None:
        """After a failed rewrite: try again only once the log has grown further, not after every write."""
        # TODO

    def rewrite(self, records: Iterable[list[bytes]]) -> None:
        """Atomically replace the log with `records` (a snapshot of the live keys).

        A crash at any moment must leave either the whole old log or the
        whole new one. If writing the snapshot fails (OSError: a full disk),
        delete the temporary file, keep the old log, and re-raise.
        """
        # TODO
        raise NotImplementedError("AppendOnlyLog.rewrite() is not written yet")

    def close(self) -> None:
        """sync() and close the log (on a clean shutdown)."""
        # TODO
