"""Wrong: a size-k min-heap keyed on (score, line_number). On equal scores the
heap root is the EARLIER line, so the earlier event is the one evicted: later
lines win ties, the opposite of the rule."""

from __future__ import annotations

import heapq
from collections.abc import Iterable


def parse_line(line: str) -> tuple[str, int] | None:
    fields = line.split(",")
    if len(fields) != 2:
        return None
    player, raw_score = fields[0].strip(), fields[1].strip()
    if not player:
        return None
    try:
        return player, int(raw_score)
    except ValueError:
        return None


def top_k_stream(lines: Iterable[str], k: int) -> list[tuple[str, int]]:
    if k <= 0:
        return []
    heap: list[tuple[int, int, str]] = []
    for line_number, line in enumerate(lines):
        event = parse_line(line)
        if event is None:
            continue
        player, score = event
        entry = (score, line_number, player)
        if len(heap) < k:
            heapq.heappush(heap, entry)
        else:
            heapq.heappushpop(heap, entry)
    # Best first; on equal scores sort the earlier line first.
    heap.sort(key=lambda e: (-e[0], e[1]))
    return [(player, score) for score, _line, player in heap]
