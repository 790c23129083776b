"""The keyspace: a dict of byte strings with optional deadlines.

Expiry works in two ways, as in Redis, and you need both:

* lazily: every access to a key first checks its deadline and removes the
  key if it has passed, so no command ever sees an expired key;
* actively: sweep() removes expired keys that nobody reads. Without it they
  stay in memory for ever (and DBSIZE, which is len() of this keyspace,
  keeps counting them).

Deadlines are absolute Unix times in milliseconds (wall_clock_ms()), so that
they mean the same thing after a restart.
"""

from __future__ import annotations

import heapq  # noqa: F401  (a min-heap of (deadline, key) finds the expired keys: see sweep())
import time
from collections.abc import Callable, Iterator


def wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch: deadlines must survive a restart, so not time.monotonic()."""
    return time.time_ns() // 1_000_000


class Keyspace:
    """Keys and values (bytes) with optional deadlines (Unix ms)."""

    def __init__(self, clock: Callable[[], int] = wall_clock_ms) -> None:
        self.clock = clock  # call self.clock() for "now"; a test can pass a fake clock
        # TODO: choose your state. One design that works:
        #   self._data: dict[bytes, bytes]        key -> value
        #   self._deadlines: dict[bytes, int]     key -> deadline (Unix ms), only for keys with a TTL
        #   self._heap: list[tuple[int, bytes]]   (deadline, key) for sweep(); entries go stale when a
        #                                         key's deadline changes or the key is deleted (lab 01!)

    def __len__(self) -> int:
        """The keys held in memory, including expired ones not yet removed: what DBSIZE reports."""
        # TODO
        return 0

    def get(self, key: bytes) -> bytes | None:
        """The value of a live key, or None. An expired key is removed on the way (lazy expiry)."""
        # TODO
        raise NotImplementedError("Keyspace.get() is not written yet")

    def exists(self, key: bytes) -> bool:
        return self.get(key) is not None

    def set(self, key: bytes, value: bytes, deadline_ms: int | None = None) -> None:
        """Set a value. The key's old deadline goes: it gets deadline_ms, or none.

        A deadline already in the past (a log replayed after it) means the key is gone.
        """
        # TODO
        raise NotImplementedError("Keyspace.set() is not written yet")

    def replace_value(self, key: bytes, value: bytes) -> None:
        """Change a live key's value and keep its deadline (INCR does this)."""
        # TODO
        raise NotImplementedError("Keyspace.replace_value() is not written yet")

    def delete(self, key: bytes) -> bool:
        """Remove a key; True if it was there and live."""
        # TODO
        raise NotImplementedError("Keyspace.delete() is not written yet")

    def expire_at(self, key: bytes, deadline_ms: int) -> bool:
        """Give a live key a deadline; a deadline already past deletes it. False if there is no such key."""
        # TODO
        raise NotImplementedError("Keyspace.expire_at() is not written yet")

    def deadline(self, key: bytes) -> int | None:
        """The deadline of a live key, or None if it has none."""
        # TODO
        raise NotImplementedError("Keyspace.deadline() is not written yet")

    def sweep(self, budget_seconds: float = 0.01) -> int:
        """Active expiry: remove expired keys, for at most budget_seconds. Returns how many it removed.

        The server calls it ten times a second. It must find expired keys
        without scanning every key: pop (deadline, key) entries off a min-heap
        while the root's deadline has passed, skipping stale entries.
        """
        # TODO
        return 0

    def live_items(self) -> Iterator[tuple[bytes, bytes, int | None]]:
        """(key, value, deadline or None) of every live key: what a snapshot of the log holds."""
        # TODO
        raise NotImplementedError("Keyspace.live_items() is not written yet")
