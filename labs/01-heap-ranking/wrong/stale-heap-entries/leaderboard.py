"""Wrong: pushes a heap entry on every improvement but never recognises stale ones,
so top() lists a player again with an old score."""

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
        if current is not None and score <= current[0]:
            return
        self._best[player] = (score, seq)
        heapq.heappush(self._heap, (-score, seq, player))

    def top(self, k: int) -> list[tuple[str, int]]:
        popped = []
        while len(popped) < k and self._heap:
            entry = heapq.heappop(self._heap)
            if entry[2] in self._best:  # only filters removed players, not superseded scores
                popped.append(entry)
        for entry in popped:
            heapq.heappush(self._heap, entry)
        return [(player, -neg_score) for neg_score, _seq, player in popped]

    def rank(self, player: str) -> int | None:
        if player not in self._best:
            return None
        score, seq = self._best[player]
        return 1 + sum(1 for s, q in self._best.values() if s > score or (s == score and q < seq))

    def remove(self, player: str) -> None:
        self._best.pop(player, None)

    def __len__(self) -> int:
        return len(self._best)
