"""Wrong: right answers, but it keeps every event of the stream in a list and
sorts it: memory grows with the input instead of staying O(k)."""

from __future__ import annotations

from collections.abc import Iterable


def parse_line(line: str) -> tuple[str, int] | None:
    parts = [part.strip() for part in line.split(",")]
    if len(parts) != 2 or not parts[0]:
        return None
    try:
        return parts[0], int(parts[1])
    except ValueError:
        return None


def top_k_stream(lines: Iterable[str], k: int) -> list[tuple[str, int]]:
    if k <= 0:
        return []
    events = []
    for line_number, line in enumerate(lines):
        event = parse_line(line)
        if event is not None:
            events.append((-event[1], line_number, event[0]))
    events.sort()  # best score first, earlier line first on ties
    return [(player, -neg_score) for neg_score, _line, player in events[:k]]
