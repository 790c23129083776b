"""A live game leaderboard.

Players submit scores while the game runs. The leaderboard keeps each
player's BEST score and answers "who are the top k?" many times a second,
so top(k) must cost O(k log n), not a sort of every player.

Ordering rules (they define top() and rank()):

* A higher score ranks higher.
* Between equal scores, the player who reached that score first ranks higher.
  "Reached" means the submission that set the player's current best.
  Submitting a score equal to or below your best changes nothing, not even
  your place among the players tied with you.

Run the checks from the Data Labs view, or try it by hand:

    python3 -c "from leaderboard import Leaderboard; lb = Leaderboard(); lb.submit('ana', 10); print(lb.top(3))"
"""

from __future__ import annotations

import heapq  # noqa: F401  (you will need it)
import itertools  # noqa: F401  (itertools.count() makes a handy sequence counter)


class Leaderboard:
    """Players ranked by best score, earliest-to-reach first on ties."""

    def __init__(self) -> None:
        # TODO: choose your state. One design that works:
        #   self._best: dict[str, tuple[int, int]]
        #       player -> (best score, sequence number of the submission that set it)
        #   self._heap: list[tuple[int, int, str]]
        #       (-score, seq, player): heapq is a min-heap, so negate the score.
        #       Some entries go stale when a player improves or is removed.
        #   self._seq = itertools.count()
        #       one number per submission, for tie-breaking
        pass

    def submit(self, player: str, score: int) -> None:
        """Record a score. Only an improvement on the player's best has any effect."""
        # TODO: ignore scores that do not beat the current best;
        #       otherwise remember the new best and its sequence number,
        #       and push a heap entry for it (O(log n)).
        pass

    def top(self, k: int) -> list[tuple[str, int]]:
        """The k best (player, score) pairs, best first. All players if k > len(self); [] if k <= 0.

        Must run in O(k log n) (plus the cost of discarding stale entries):
        do not sort all players. Calling top() must not change the leaderboard.
        """
        # TODO: pop entries off the heap, skipping (and dropping) stale ones,
        #       until you have k live ones; then push the live ones back.
        return []

    def rank(self, player: str) -> int | None:
        """The player's 1-based position in top() order, or None for an unknown player.

        O(n) is acceptable here: count the players that rank above this one.
        """
        # TODO
        return None

    def remove(self, player: str) -> None:
        """Forget a player (e.g. banned). Unknown players are ignored.

        The player vanishes from top(), rank() and len(). If they submit again
        later they start afresh, as a new player: their old best is gone.
        """
        # TODO: O(1) here; leave the heap entries behind and treat them as stale.
        pass

    def __len__(self) -> int:
        """The number of players currently on the leaderboard."""
        # TODO
        return 0
