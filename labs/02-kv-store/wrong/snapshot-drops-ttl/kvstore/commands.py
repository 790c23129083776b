"""Wrong: the snapshot written by compaction keeps every live key's value but not its deadline, so after a rewrite and a restart keys with a TTL never expire.

The commands: what each one does, replies and writes to the log.

A command is a list of byte strings, the name first. execute() looks the
name up (case-insensitively), checks the number of arguments, and runs the
handler, which returns the RESP reply. A mistake in the request is an error
reply, never an exception that drops the connection.

Write commands also append a record to the log. The record must replay to
the same state at any later time, so relative times are made absolute:
EXPIRE k 10 is logged as PEXPIREAT k <Unix ms>, and SET k v EX 10 as
SET k v PXAT <Unix ms>. Replaying "EXPIRE k 10" after a restart would give
the key ten fresh seconds.
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
        """Recover the keyspace from DIR/appendonly.aof, then log new writes to it."""
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
                # The old log is intact (see AppendOnlyLog.rewrite): carry on with it.
                print(f"kvstore: rewriting the log failed, keeping the old one: {exc}", file=sys.stderr)
                self.log.postpone_rewrite()

    def rewrite_log(self) -> None:
        assert self.log is not None
        self.log.rewrite(self.snapshot())

    def snapshot(self) -> Iterator[list[bytes]]:
        """One SET record per live key, with its deadline: the shortest log of the current state."""
        for key, value, _deadline in self.keyspace.live_items():
            yield [b"SET", key, value]

    def close(self) -> None:
        if self.log is not None:
            self.log.close()


def parse_int(raw: bytes) -> int:
    """A 64-bit integer written the way Redis accepts it ("12", "-3"; not " 12", "+3", "1.0")."""
    text = raw.removeprefix(b"-")
    if not text.isdigit() or (len(text) > 1 and text.startswith(b"0")) or (raw.startswith(b"-") and text == b"0"):
        raise CommandError("ERR value is not an integer or out of range")
    value = int(raw)
    if not INT64_MIN <= value <= INT64_MAX:
        raise CommandError("ERR value is not an integer or out of range")
    return value


def cmd_ping(db: Database, args: list[bytes]) -> bytes:
    if len(args) > 2:
        return resp.error("ERR wrong number of arguments for 'ping' command")
    return resp.bulk(args[1]) if len(args) == 2 else resp.simple("PONG")


def cmd_echo(db: Database, args: list[bytes]) -> bytes:
    return resp.bulk(args[1])


def cmd_get(db: Database, args: list[bytes]) -> bytes:
    return resp.bulk(db.keyspace.get(args[1]))


def cmd_set(db: Database, args: list[bytes]) -> bytes:
    key, value = args[1], args[2]
    now = db.keyspace.clock()
    deadline: int | None = None
    i = 3
    while i < len(args):
        option = args[i].upper()
        if option in (b"EX", b"PX", b"EXAT", b"PXAT") and deadline is None and i + 1 < len(args):
            amount = parse_int(args[i + 1])
            if amount <= 0:
                raise CommandError("ERR invalid expire time in 'set' command")
            deadline = {b"EX": now + amount * 1000, b"PX": now + amount, b"EXAT": amount * 1000, b"PXAT": amount}[option]
            if deadline > INT64_MAX:
                raise CommandError("ERR invalid expire time in 'set' command")
            i += 2
        else:
            raise CommandError("ERR syntax error")
    db.keyspace.set(key, value, deadline)
    db.propagate([b"SET", key, value] if deadline is None else [b"SET", key, value, b"PXAT", str(deadline).encode()])
    return resp.simple("OK")


def cmd_del(db: Database, args: list[bytes]) -> bytes:
    deleted = [key for key in args[1:] if db.keyspace.delete(key)]
    if deleted:
        db.propagate([b"DEL", *deleted])
    return resp.integer(len(deleted))


def cmd_exists(db: Database, args: list[bytes]) -> bytes:
    # As in Redis, a key named twice counts twice.
    return resp.integer(sum(1 for key in args[1:] if db.keyspace.exists(key)))


def _increment(db: Database, key: bytes, by: int, record: list[bytes]) -> bytes:
    current = db.keyspace.get(key)
    number = 0 if current is None else parse_int(current)
    if not INT64_MIN <= number + by <= INT64_MAX:
        raise CommandError("ERR increment or decrement would overflow")
    new_value = str(number + by).encode()
    if current is None:
        db.keyspace.set(key, new_value)
    else:
        db.keyspace.replace_value(key, new_value)  # INCR keeps the key's deadline
    db.propagate(record)
    return resp.integer(number + by)


def cmd_incr(db: Database, args: list[bytes]) -> bytes:
    return _increment(db, args[1], 1, [b"INCR", args[1]])


def cmd_incrby(db: Database, args: list[bytes]) -> bytes:
    # redis-py's incr() sends INCRBY key 1.
    return _increment(db, args[1], parse_int(args[2]), [b"INCRBY", args[1], args[2]])


def _expire(db: Database, key: bytes, deadline: int) -> bytes:
    if not db.keyspace.expire_at(key, deadline):
        return resp.integer(0)
    if db.keyspace.get(key) is None:
        db.propagate([b"DEL", key])  # a deadline in the past deletes the key
    else:
        db.propagate([b"PEXPIREAT", key, str(deadline).encode()])
    return resp.integer(1)


def cmd_expire(db: Database, args: list[bytes]) -> bytes:
    return _expire(db, args[1], db.keyspace.clock() + parse_int(args[2]) * 1000)


def cmd_pexpire(db: Database, args: list[bytes]) -> bytes:
    return _expire(db, args[1], db.keyspace.clock() + parse_int(args[2]))


def cmd_pexpireat(db: Database, args: list[bytes]) -> bytes:
    return _expire(db, args[1], parse_int(args[2]))


def _remaining_ms(db: Database, key: bytes) -> int:
    if not db.keyspace.exists(key):
        return -2
    deadline = db.keyspace.deadline(key)
    if deadline is None:
        return -1
    return max(deadline - db.keyspace.clock(), 0)


def cmd_ttl(db: Database, args: list[bytes]) -> bytes:
    remaining = _remaining_ms(db, args[1])
    # Redis rounds to the nearest second.
    return resp.integer(remaining if remaining < 0 else (remaining + 500) // 1000)


def cmd_pttl(db: Database, args: list[bytes]) -> bytes:
    return resp.integer(_remaining_ms(db, args[1]))


def cmd_dbsize(db: Database, args: list[bytes]) -> bytes:
    return resp.integer(len(db.keyspace))


def cmd_bgrewriteaof(db: Database, args: list[bytes]) -> bytes:
    # Synchronous here (Redis forks a child): the reply comes once the new log is in place.
    try:
        db.rewrite_log()
    except OSError as exc:
        raise CommandError(f"ERR rewriting the log failed: {exc}") from None
    return resp.simple("Background append only file rewriting started")


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
