"""Wrong: correct answers, but top(k) sorts every player on every call (O(n log n))."""

from __future__ import annotations

import itertools


class Leaderboard:
    def __init__(self) -> None:
        self._best: dict[str, tuple[int, int]] = {}
        self._seq = itertools.count()

    def submit(self, player: str, score: int) -> None:
        seq = next(self._seq)
        current = self._best.get(player)
        if current is None or score > current[0]:
            self._best[player] = (score, seq)

    def top(self, k: int) -> list[tuple[str, int]]:
        if k <= 0:
            return []
        # Simple and correct, but sorts all n players to return 10 of them.
        ordered = sorted(self._best.items(), key=lambda item: (-item[1][0], item[1][1]))
        return [(player, score) for player, (score, _seq) in ordered[:k]]

    def rank(self, player: str) -> int | None:
        if player not in self._best:
            return None
        score, seq = self._best[player]
        return 1 + sum(1 for s, q in self._best.values() if (-s, q) < (-score, seq))

    def remove(self, player: str) -> None:
        self._best.pop(player, None)

    def __len__(self) -> int:
        return len(self._best)
