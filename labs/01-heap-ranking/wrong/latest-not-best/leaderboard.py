"""Wrong: every submission overwrites the player's score, so a worse game
lowers it. The leaderboard must keep each player's BEST score."""

from __future__ import annotations

import heapq
import itertools


class Leaderboard:
    def __init__(self) -> None:
        self._scores: dict[str, tuple[int, int]] = {}  # player -> (score, seq)
        self._heap: list[tuple[int, int, str]] = []
        self._seq = itertools.count()

    def submit(self, player: str, score: int) -> None:
        seq = next(self._seq)
        previous = self._scores.get(player)
        if previous is not None and previous[0] == score:
            return  # same score again: keep the earlier time
        self._scores[player] = (score, seq)  # overwrites a better score too
        heapq.heappush(self._heap, (-score, seq, player))

    def top(self, k: int) -> list[tuple[str, int]]:
        live = []
        while len(live) < k and self._heap:
            neg_score, seq, player = heapq.heappop(self._heap)
            if self._scores.get(player) == (-neg_score, seq):
                live.append((neg_score, seq, player))
        for entry in live:
            heapq.heappush(self._heap, entry)
        return [(player, -neg_score) for neg_score, _seq, player in live]

    def rank(self, player: str) -> int | None:
        if player not in self._scores:
            return None
        score, seq = self._scores[player]
        return 1 + sum(1 for s, q in self._scores.values() if s > score or (s == score and q < seq))

    def remove(self, player: str) -> None:
        self._scores.pop(player, None)

    def __len__(self) -> int:
        return len(self._scores)
