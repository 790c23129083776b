"""Wrong: acknowledges writes before they are durable. Records go to a buffered file, flushed and fsynced at most once a second ("everysec"), so kill -9 loses the writes still in the buffer.

The append-only log (AOF): durability, recovery and compaction.

Every write command is appended to DIR/appendonly.aof as a RESP array, the
same bytes a client sends (as Redis does), and the log is fsynced before the
server acknowledges the write. Replaying the log from the start rebuilds the
keyspace.

Three rules make it crash-safe:

* Durability: append() hands the bytes to the operating system at once
  (os.write, no user-space buffer) and sync() fsyncs them. The server calls
  sync() after a batch of commands and before sending any of their replies,
  so a reply is never sent for a write that a crash could lose. One fsync per
  batch ("group commit") is as safe as one per command and much cheaper for
  pipelined clients.
* Recovery: a crash can cut the last record short. load() replays every
  complete record, then truncates the file after the last one, so that new
  records are not appended after a torn one (the next replay would choke on
  it and lose them).
* Compaction: the log grows with every write, even when the same few keys
  are overwritten again and again. rewrite() replaces it with a snapshot of
  the live keys, written to a temporary file, fsynced, and renamed over the
  log (an atomic step on POSIX file systems), then the directory is fsynced
  so the rename itself is durable. A crash at any moment leaves either the
  complete old log or the complete new one, never half of either.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from . import resp

LOG_NAME = "appendonly.aof"
TEMP_NAME = "appendonly.aof.rewrite"
# The snapshot is written in pieces of about this size.
_REWRITE_CHUNK_BYTES = 256 * 1024


def _write_all(fd: int, data: bytes) -> None:
    """os.write may write fewer bytes than asked; loop until all are written."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (not possible on Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AppendOnlyLog:
    """DIR/appendonly.aof: append, fsync, replay and rewrite."""

    def __init__(self, directory: Path, compact_bytes: int) -> None:
        self.directory = directory
        self.path = directory / LOG_NAME
        self.compact_bytes = compact_bytes
        self.size = 0  # bytes in the log
        self._base_size = 0  # its size right after the last load or rewrite
        self._fd: int | None = None
        self._file = None  # a buffered file over _fd
        self._dirty = False  # appended since the last fsync
        self._last_sync = time.monotonic()

    def load(self, apply: Callable[[list[bytes]], object]) -> int:
        """Replay every complete record through `apply`, cut off a torn tail, open for appending.

        Returns how many bytes of a torn (incomplete or unreadable) tail were dropped.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        # A rewrite that died halfway leaves its temporary file behind. It was
        # never renamed over the log, so the log is complete and this is garbage.
        (self.directory / TEMP_NAME).unlink(missing_ok=True)
        data = self.path.read_bytes() if self.path.exists() else b""
        parser = resp.Parser()
        parser.feed(data)
        good = 0  # the end of the last complete record
        try:
            while (record := parser.next_command()) is not None:
                apply(record)
                good = parser.consumed
        except resp.ProtocolError:
            pass  # the bytes from `good` on are not a record: treat them as a torn tail
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        torn = len(data) - good
        if torn:
            print(f"kvstore: dropping a torn record at the end of {self.path} ({torn} bytes at offset {good})", file=sys.stderr)
            os.ftruncate(self._fd, good)
            os.fsync(self._fd)
        _fsync_directory(self.directory)  # the log may have just been created
        self._file = os.fdopen(self._fd, "ab")
        self.size = self._base_size = good
        return torn

    def append(self, record: list[bytes]) -> None:
        """Write one record to the operating system now. Not durable until sync()."""
        assert self._fd is not None, "load() the log first"
        data = resp.command(record)
        self._file.write(data)  # buffered: cheaper than a system call per record
        self.size += len(data)
        self._dirty = True

    def sync(self) -> None:
        """fsync everything appended so far. Call it before acknowledging the writes."""
        # fsync is slow: do it at most once a second, like Redis's "appendfsync everysec".
        if self._dirty and self._file is not None and time.monotonic() - self._last_sync >= 1.0:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._dirty = False
            self._last_sync = time.monotonic()

    def needs_rewrite(self) -> bool:
        """Past the threshold, and at least twice as big as the last snapshot (so a big live dataset
        is not rewritten after every write)."""
        return self.size > max(self.compact_bytes, 2 * self._base_size)

    def postpone_rewrite(self) -> None:
        """After a failed rewrite: try again only once the log has doubled, not after every write."""
        self._base_size = self.size

    def rewrite(self, records: Iterable[list[bytes]]) -> None:
        """Atomically replace the log with `records` (a snapshot): temporary file, fsync, rename."""
        temp = self.directory / TEMP_NAME
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        written = 0
        try:
            chunk: list[bytes] = []
            chunk_size = 0
            for record in records:
                data = resp.command(record)
                chunk.append(data)
                chunk_size += len(data)
                if chunk_size >= _REWRITE_CHUNK_BYTES:
                    _write_all(fd, b"".join(chunk))
                    written += chunk_size
                    chunk, chunk_size = [], 0
            _write_all(fd, b"".join(chunk))
            written += chunk_size
            os.fsync(fd)
        except BaseException:
            # The old log is untouched: keep using it, and leave no half-written file.
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.replace(temp, self.path)  # atomic: the log is the old one or the new one, never a mix
        _fsync_directory(self.directory)  # make the rename itself durable
        if self._file is not None:
            self._file.close()  # this descriptor still points at the old, now unlinked, file
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._file = os.fdopen(self._fd, "ab")
        self.size = self._base_size = written
        self._dirty = False  # everything the old log held is in the fsynced snapshot

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._fd = self._file = None
