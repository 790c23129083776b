"""Top-k events over a stream of "player,score" lines, in bounded memory.

The input may be a file with millions of lines, or a generator that never
fits in memory, so you get to read it once and keep only O(k) state.
"""

from __future__ import annotations

import heapq  # noqa: F401  (heapq.heappush / heapq.heappushpop)
from collections.abc import Iterable


def parse_line(line: str) -> tuple[str, int] | None:
    """Parse one "player,score" line, or return None if it is not a valid event.

    Valid: exactly two comma-separated fields; after stripping whitespace the
    player is non-empty and the score is an integer (negative allowed).
    Everything else is skipped: blank lines, a "player,score" header,
    missing or extra fields, non-integer scores such as "abc" or "4.5".
    """
    # TODO
    return None


def top_k_stream(lines: Iterable[str], k: int) -> list[tuple[str, int]]:
    """The k highest-scoring single events as (player, score), best first.

    Each valid line is one event; a player may appear more than once.
    Between equal scores the event on the earlier line ranks higher.
    Returns every valid event (ordered) if there are fewer than k; [] if k <= 0.

    Memory must stay O(k) however long the input is: iterate `lines` once,
    never collect it into a list. Hint: a MIN-heap of size k whose root is
    the weakest event kept so far.
    """
    # TODO
    return []
