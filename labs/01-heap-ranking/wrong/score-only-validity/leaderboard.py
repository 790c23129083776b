"""Wrong: a heap entry counts as live when its SCORE matches the player's best.
That misses one case: a player removed and back with the same score has two
entries with that score, so top() lists them twice (and with the old tie rank)."""

from __future__ import annotations

import heapq
import itertools


class Leaderboard:
    def __init__(self) -> None:
        self._best: dict[str, int] = {}  # player -> best score
        self._since: dict[str, int] = {}  # player -> seq of the submission that set it
        self._heap: list[tuple[int, int, str]] = []
        self._seq = itertools.count()

    def submit(self, player: str, score: int) -> None:
        seq = next(self._seq)
        if player in self._best and score <= self._best[player]:
            return
        self._best[player] = score
        self._since[player] = seq
        heapq.heappush(self._heap, (-score, seq, player))

    def top(self, k: int) -> list[tuple[str, int]]:
        live = []
        while len(live) < k and self._heap:
            entry = heapq.heappop(self._heap)
            neg_score, _seq, player = entry
            if self._best.get(player) == -neg_score:  # the seq is not compared
                live.append(entry)
        for entry in live:
            heapq.heappush(self._heap, entry)
        return [(player, -neg_score) for neg_score, _seq, player in live]

    def rank(self, player: str) -> int | None:
        if player not in self._best:
            return None
        score, seq = self._best[player], self._since[player]
        return 1 + sum(
            1 for p, s in self._best.items() if s > score or (s == score and self._since[p] < seq)
        )

    def remove(self, player: str) -> None:
        self._best.pop(player, None)
        self._since.pop(player, None)

    def __len__(self) -> int:
        return len(self._best)
