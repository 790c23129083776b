"""A live game leaderboard: reference solution.

Design: a dict holds the truth, a heap holds an index into it.

* self._best maps player -> (best score, seq). seq is the number of the
  submission that set that best; a global counter makes it unique, so the
  order key (-score, seq) is a total order and no two players ever tie.
* self._heap holds (-score, seq, player) entries. An entry is LIVE when it
  still matches self._best[player] exactly; otherwise it is STALE (the player
  improved, or was removed). Stale entries are not searched for and deleted
  (that would be O(n)); they are skipped and dropped when they reach the root
  ("lazy deletion").

Why compare (score, seq) and not just the score: after remove() a player can
come back with the same score they had. The old entry then has the right
score but the wrong seq, and must not count.
"""

from __future__ import annotations

import heapq
import itertools


class Leaderboard:
    """Players ranked by best score, earliest-to-reach first on ties."""

    # Rebuild the heap once stale entries outnumber live ones by this factor,
    # so the heap stays O(n) in size however many improvements are submitted.
    _COMPACT_FACTOR = 2
    _COMPACT_MIN = 1024

    def __init__(self) -> None:
        self._best: dict[str, tuple[int, int]] = {}
        self._heap: list[tuple[int, int, str]] = []
        self._seq = itertools.count()

    def submit(self, player: str, score: int) -> None:
        """Record a score. Only an improvement on the player's best has any effect."""
        seq = next(self._seq)
        current = self._best.get(player)
        # Strictly greater: an equal score must not refresh seq, or the player
        # would lose their place among the players tied with them.
        if current is not None and score <= current[0]:
            return
        self._best[player] = (score, seq)
        heapq.heappush(self._heap, (-score, seq, player))  # the old entry is now stale
        self._maybe_compact()

    def top(self, k: int) -> list[tuple[str, int]]:
        """The k best (player, score) pairs, best first. All players if k > len(self); [] if k <= 0."""
        live: list[tuple[int, int, str]] = []
        while len(live) < k and self._heap:
            entry = heapq.heappop(self._heap)
            if self._is_live(entry):
                live.append(entry)
            # A stale entry is simply not pushed back: dropped for good.
        # Put the live entries back so top() leaves the leaderboard unchanged.
        # Each pop and push is O(log n): O(k log n) in all, plus the stale
        # entries dropped, which each submit() paid for when it pushed them.
        for entry in live:
            heapq.heappush(self._heap, entry)
        return [(player, -neg_score) for neg_score, _seq, player in live]

    def rank(self, player: str) -> int | None:
        """The player's 1-based position in top() order, or None for an unknown player. O(n)."""
        mine = self._best.get(player)
        if mine is None:
            return None
        score, seq = mine
        # Players strictly ahead: higher score, or equal score reached earlier.
        ahead = sum(1 for s, q in self._best.values() if s > score or (s == score and q < seq))
        return ahead + 1

    def remove(self, player: str) -> None:
        """Forget a player. Their heap entries go stale and are dropped lazily. O(1)."""
        self._best.pop(player, None)

    def __len__(self) -> int:
        return len(self._best)

    def _is_live(self, entry: tuple[int, int, str]) -> bool:
        neg_score, seq, player = entry
        return self._best.get(player) == (-neg_score, seq)

    def _maybe_compact(self) -> None:
        # Amortised O(1) per submit: a rebuild costs O(n) and happens only
        # after about n stale entries have piled up.
        if len(self._heap) > max(self._COMPACT_MIN, self._COMPACT_FACTOR * len(self._best)):
            self._heap = [(-s, q, p) for p, (s, q) in self._best.items()]
            heapq.heapify(self._heap)
