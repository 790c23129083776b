"""Wrong: submit() accepts a score equal to the best (>= instead of >), which
gives the player a new sequence number: resubmitting the same score drops them
behind everyone who reached that score in the meantime."""

from __future__ import annotations

import heapq
import itertools


class Leaderboard:
    def __init__(self) -> None:
        self._best: dict[str, tuple[int, int]] = {}
        self._heap: list[tuple[int, int, str]] = []
        self._seq = itertools.count()

    def submit(self, player: str, score: int) -> None:
        seq = next(self._seq)
        current = self._best.get(player)
        if current is None or score >= current[0]:
            self._best[player] = (score, seq)
            heapq.heappush(self._heap, (-score, seq, player))

    def top(self, k: int) -> list[tuple[str, int]]:
        live = []
        while len(live) < k and self._heap:
            neg_score, seq, player = heapq.heappop(self._heap)
            if self._best.get(player) == (-neg_score, seq):
                live.append((neg_score, seq, player))
        for entry in live:
            heapq.heappush(self._heap, entry)
        return [(player, -neg_score) for neg_score, _seq, player in live]

    def rank(self, player: str) -> int | None:
        if player not in self._best:
            return None
        score, seq = self._best[player]
        return 1 + sum(1 for s, q in self._best.values() if s > score or (s == score and q < seq))

    def remove(self, player: str) -> None:
        self._best.pop(player, None)

    def __len__(self) -> int:
        return len(self._best)
