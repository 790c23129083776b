"""Wrong: expiry only on read. sweep() does nothing, so expired keys that nobody reads stay in memory (DBSIZE keeps counting them).

The keyspace: a dict of byte strings with optional deadlines.

Expiry works in two ways, as in Redis:

* lazily: every read of a key first checks its deadline, and removes the key
  if it has passed, so no command ever sees an expired key;
* actively: sweep() removes expired keys that nobody reads, which would
  otherwise stay in memory for ever.

The sweep uses a min-heap of (deadline, key), the lazy-deletion heap of lab 01:
when a key's deadline changes or the key goes away, its old heap entry is
left behind and recognised as stale when it reaches the root (it no longer
equals the key's current deadline). Redis samples random keys with a TTL
instead; a heap finds every expired key without sampling.

Deadlines are absolute Unix times in milliseconds, so they mean the same
thing after a restart.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator


def wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch: deadlines must survive a restart, so not time.monotonic()."""
    return time.time_ns() // 1_000_000


class Keyspace:
    """Keys and values (bytes) with optional deadlines (Unix ms)."""

    # Rebuild the expiry heap when stale entries outnumber live ones by this factor.
    _HEAP_COMPACT_FACTOR = 2
    _HEAP_COMPACT_MIN = 1024

    def __init__(self, clock: Callable[[], int] = wall_clock_ms) -> None:
        self.clock = clock
        self._data: dict[bytes, bytes] = {}
        self._deadlines: dict[bytes, int] = {}
        self._heap: list[tuple[int, bytes]] = []

    def __len__(self) -> int:
        """The keys held in memory, including expired ones not yet removed (what DBSIZE reports)."""
        return len(self._data)

    def get(self, key: bytes) -> bytes | None:
        """The value of a live key, or None. An expired key is removed on the way."""
        if self._expire_if_due(key):
            return None
        return self._data.get(key)

    def exists(self, key: bytes) -> bool:
        return self.get(key) is not None

    def set(self, key: bytes, value: bytes, deadline_ms: int | None = None) -> None:
        """Set a value. The key's old deadline goes: it gets deadline_ms, or none."""
        if deadline_ms is not None and deadline_ms <= self.clock():
            self.delete(key)  # already expired (a log replayed after the deadline)
            return
        self._data[key] = value
        if deadline_ms is None:
            self._deadlines.pop(key, None)
        else:
            self._set_deadline(key, deadline_ms)

    def replace_value(self, key: bytes, value: bytes) -> None:
        """Change a live key's value and keep its deadline (INCR does this)."""
        self._data[key] = value

    def delete(self, key: bytes) -> bool:
        """Remove a key; True if it was there and live."""
        if self._expire_if_due(key):
            return False
        if key not in self._data:
            return False
        del self._data[key]
        self._deadlines.pop(key, None)  # its heap entry is now stale
        return True

    def expire_at(self, key: bytes, deadline_ms: int) -> bool:
        """Give a live key a deadline; a deadline already past deletes it. False if there is no such key."""
        if not self.exists(key):
            return False
        if deadline_ms <= self.clock():
            self.delete(key)
        else:
            self._set_deadline(key, deadline_ms)
        return True

    def deadline(self, key: bytes) -> int | None:
        """The deadline of a live key, or None if it has none."""
        return self._deadlines.get(key)

    def sweep(self, budget_seconds: float = 0.01) -> int:
        """Remove expired keys, oldest deadline first, for at most budget_seconds. Returns how many."""
        # Expired keys are removed when they are read (see _expire_if_due): nothing to do here.
        return 0

    def live_items(self) -> Iterator[tuple[bytes, bytes, int | None]]:
        """(key, value, deadline or None) of every live key: what a snapshot holds."""
        now = self.clock()
        for key, value in self._data.items():
            deadline = self._deadlines.get(key)
            if deadline is None or deadline > now:
                yield key, value, deadline

    def _set_deadline(self, key: bytes, deadline_ms: int) -> None:
        self._deadlines[key] = deadline_ms
        heapq.heappush(self._heap, (deadline_ms, key))
        if len(self._heap) > max(self._HEAP_COMPACT_MIN, self._HEAP_COMPACT_FACTOR * len(self._deadlines)):
            self._heap = [(deadline, k) for k, deadline in self._deadlines.items()]
            heapq.heapify(self._heap)

    def _expire_if_due(self, key: bytes) -> bool:
        """Lazy expiry: remove the key if its deadline has passed. True if it did."""
        deadline = self._deadlines.get(key)
        if deadline is None or deadline > self.clock():
            return False
        del self._data[key]
        del self._deadlines[key]
        return True
