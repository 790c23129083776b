"""Top-k events over a stream of "player,score" lines, in bounded memory: reference solution.

A min-heap of at most k entries holds the best events seen so far; its root is
the weakest of them. Each new event either loses to the root (and is thrown
away) or replaces it: O(log k) per line, O(k) memory however long the stream.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable


def parse_line(line: str) -> tuple[str, int] | None:
    """Parse one "player,score" line, or return None if it is not a valid event."""
    fields = line.split(",")
    if len(fields) != 2:
        return None
    player, raw_score = fields[0].strip(), fields[1].strip()
    if not player:
        return None
    try:
        score = int(raw_score)
    except ValueError:  # "abc", "4.5", "" and the "score" of a header line
        return None
    return player, score


def top_k_stream(lines: Iterable[str], k: int) -> list[tuple[str, int]]:
    """The k highest-scoring single events as (player, score), best first; earlier line wins ties."""
    if k <= 0:
        return []
    # Heap entries are (score, -line_number, player). The min-heap root is the
    # entry to evict first: the lowest score and, among equal scores, the LATER
    # line (a larger line number gives a smaller -line_number). So on a tie the
    # event already kept, which came earlier, survives.
    heap: list[tuple[int, int, str]] = []
    for line_number, line in enumerate(lines):
        event = parse_line(line)
        if event is None:
            continue
        player, score = event
        entry = (score, -line_number, player)
        if len(heap) < k:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            # Push the new entry and pop the weakest in one O(log k) step.
            heapq.heappushpop(heap, entry)
    # Best first: highest score, then earliest line.
    heap.sort(reverse=True)
    return [(player, score) for score, _neg_line, player in heap]
