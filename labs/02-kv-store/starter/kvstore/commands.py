"""The commands: what each one does, replies and writes to the log.

A command is a list of byte strings, the name first. Database.execute()
looks the name up (case-insensitively) in COMMANDS, checks the number of
arguments, and runs the handler, which returns the RESP reply (bytes). A
mistake in the request is an error reply (raise CommandError), never an
exception that drops the connection.

Write commands also append a record to the log (db.propagate). The record
must replay to the same state at ANY later time, so make relative times
absolute: log EXPIRE k 10 as PEXPIREAT k <Unix ms>, and SET k v EX 10 as
SET k v PXAT <Unix ms>. Replaying "EXPIRE k 10" after a restart would give
the key ten fresh seconds.

The brief lists every command with its exact replies and errors.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from . import resp
from .aof import AppendOnlyLog
from .keyspace import Keyspace

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class CommandError(Exception):
    """A mistake in the request, sent back as an error reply (the message starts with ERR)."""


class Database:
    """The keyspace and its log."""

    def __init__(self, keyspace: Keyspace, log: AppendOnlyLog | None = None) -> None:
        self.keyspace = keyspace
        self.log = log  # None while the log itself is replayed: replayed commands are not logged again

    @classmethod
    def open(cls, directory: Path, compact_bytes: int) -> Database:
        """Recover the keyspace from DIR/appendonly.aof (replaying it through execute()), then log new writes to it."""
        db = cls(Keyspace())
        log = AppendOnlyLog(directory, compact_bytes)
        log.load(db.execute)
        db.log = log
        return db

    def execute(self, args: list[bytes]) -> bytes:
        """Run one command and return its reply."""
        name = args[0].lower()
        entry = COMMANDS.get(name)
        if entry is None:
            shown = "".join(f"'{arg.decode('utf-8', 'replace')[:128]}' " for arg in args[1:])
            return resp.error(f"ERR unknown command '{args[0].decode('utf-8', 'replace')[:128]}', with args beginning with: {shown}")
        handler, arity = entry
        if (arity > 0 and len(args) != arity) or (arity < 0 and len(args) < -arity):
            return resp.error(f"ERR wrong number of arguments for '{name.decode()}' command")
        try:
            return handler(self, args)
        except CommandError as exc:
            return resp.error(str(exc))

    def propagate(self, record: list[bytes]) -> None:
        """Append a write to the log (not while replaying it)."""
        if self.log is not None:
            self.log.append(record)

    def commit(self) -> None:
        """Make every write executed so far durable. The server calls it before sending replies."""
        if self.log is None:
            return
        self.log.sync()
        if self.log.needs_rewrite():
            try:
                self.rewrite_log()
            except OSError as exc:
                print(f"kvstore: rewriting the log failed, keeping the old one: {exc}", file=sys.stderr)
                self.log.postpone_rewrite()

    def rewrite_log(self) -> None:
        assert self.log is not None
        self.log.rewrite(self.snapshot())

    def snapshot(self) -> Iterator[list[bytes]]:
        """The records of the shortest log that rebuilds the current state: one per live key, with its deadline."""
        # TODO: yield one record per live key (self.keyspace.live_items()).
        raise NotImplementedError("Database.snapshot() is not written yet")

    def close(self) -> None:
        if self.log is not None:
            self.log.close()


def parse_int(raw: bytes) -> int:
    """A 64-bit integer written the way Redis accepts it ("12", "-3"; not " 12", "+3", "1.0", "007")."""
    text = raw.removeprefix(b"-")
    if not text.isdigit() or (len(text) > 1 and text.startswith(b"0")) or (raw.startswith(b"-") and text == b"0"):
        raise CommandError("ERR value is not an integer or out of range")
    value = int(raw)
    if not INT64_MIN <= value <= INT64_MAX:
        raise CommandError("ERR value is not an integer or out of range")
    return value


def _todo(name: str) -> bytes:
    raise CommandError(f"ERR {name} is not implemented yet (kvstore/commands.py)")


def cmd_ping(db: Database, args: list[bytes]) -> bytes:
    if len(args) > 2:
        return resp.error("ERR wrong number of arguments for 'ping' command")
    return resp.bulk(args[1]) if len(args) == 2 else resp.simple("PONG")


def cmd_echo(db: Database, args: list[bytes]) -> bytes:
    return resp.bulk(args[1])


def cmd_get(db: Database, args: list[bytes]) -> bytes:
    return resp.bulk(db.keyspace.get(args[1]))


def cmd_set(db: Database, args: list[bytes]) -> bytes:
    # TODO: SET key value [EX seconds | PX milliseconds | EXAT unix-seconds | PXAT unix-ms]
    #       Errors: see the brief ("ERR syntax error", "ERR invalid expire time in 'set' command", ...).
    #       Log it with an absolute deadline.
    return _todo("SET")


def cmd_del(db: Database, args: list[bytes]) -> bytes:
    # TODO: DEL key [key ...] -> the number of keys deleted
    return _todo("DEL")


def cmd_exists(db: Database, args: list[bytes]) -> bytes:
    # TODO: EXISTS key [key ...] -> how many of them exist (a key named twice counts twice)
    return _todo("EXISTS")


def cmd_incr(db: Database, args: list[bytes]) -> bytes:
    # TODO: INCR key -> the new value. A missing key counts as 0. The key keeps its TTL.
    return _todo("INCR")


def cmd_incrby(db: Database, args: list[bytes]) -> bytes:
    # TODO: INCRBY key increment (redis-py's incr() sends INCRBY key 1)
    return _todo("INCRBY")


def cmd_expire(db: Database, args: list[bytes]) -> bytes:
    # TODO: EXPIRE key seconds -> 1, or 0 if there is no such key. A TTL <= 0 deletes the key.
    return _todo("EXPIRE")


def cmd_pexpire(db: Database, args: list[bytes]) -> bytes:
    # TODO: PEXPIRE key milliseconds
    return _todo("PEXPIRE")


def cmd_pexpireat(db: Database, args: list[bytes]) -> bytes:
    # TODO: PEXPIREAT key unix-time-in-ms
    return _todo("PEXPIREAT")


def cmd_ttl(db: Database, args: list[bytes]) -> bytes:
    # TODO: TTL key -> seconds left (rounded), -1 without a TTL, -2 for a missing key
    return _todo("TTL")


def cmd_pttl(db: Database, args: list[bytes]) -> bytes:
    # TODO: PTTL key -> milliseconds left, -1, -2
    return _todo("PTTL")


def cmd_dbsize(db: Database, args: list[bytes]) -> bytes:
    # TODO: DBSIZE -> len(db.keyspace)
    return _todo("DBSIZE")


def cmd_bgrewriteaof(db: Database, args: list[bytes]) -> bytes:
    # TODO: rewrite the log now (db.rewrite_log()), then reply
    #       +Background append only file rewriting started
    #       If the rewrite fails (OSError), reply with an error instead.
    return _todo("BGREWRITEAOF")


Handler = Callable[[Database, list[bytes]], bytes]

# name -> (handler, arity). Arity counts the command name, as in Redis's
# COMMAND INFO: 2 means exactly two (GET key), -3 means at least three (SET key value [options]).
COMMANDS: dict[bytes, tuple[Handler, int]] = {
    b"ping": (cmd_ping, -1),
    b"echo": (cmd_echo, 2),
    b"get": (cmd_get, 2),
    b"set": (cmd_set, -3),
    b"del": (cmd_del, -2),
    b"exists": (cmd_exists, -2),
    b"incr": (cmd_incr, 2),
    b"incrby": (cmd_incrby, 3),
    b"expire": (cmd_expire, 3),
    b"pexpire": (cmd_pexpire, 3),
    b"pexpireat": (cmd_pexpireat, 3),
    b"ttl": (cmd_ttl, 2),
    b"pttl": (cmd_pttl, 2),
    b"dbsize": (cmd_dbsize, 1),
    b"bgrewriteaof": (cmd_bgrewriteaof, 1),
}
