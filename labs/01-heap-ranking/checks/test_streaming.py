"""Hidden checks for streaming.py (lab 01, heap-ranking).

Run with the learner's lab folder as the working directory and on PYTHONPATH.
Standard library and pytest only; every random choice is seeded.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

from streaming import top_k_stream


def _as_pairs(result):
    assert isinstance(result, list), f"top_k_stream() must return a list, got {type(result).__name__}"
    pairs = []
    for item in result:
        assert isinstance(item, (tuple, list)) and len(item) == 2, (
            f"top_k_stream() must return (player, score) pairs, got an item {item!r}"
        )
        pairs.append((item[0], item[1]))
    return pairs


def _run(lines, k):
    # A generator, not a list: the input can be read once only.
    return _as_pairs(top_k_stream((line for line in lines), k))


def test_stream_top_k():
    lines = ["ana,50\n", "ben,70\n", "cy,70\n", "ana,90\n", "dee,70\n", "ben,20\n", "eve,90\n"]
    cases = {
        3: [("ana", 90), ("eve", 90), ("ben", 70)],
        5: [("ana", 90), ("eve", 90), ("ben", 70), ("cy", 70), ("dee", 70)],
        100: [("ana", 90), ("eve", 90), ("ben", 70), ("cy", 70), ("dee", 70), ("ana", 50), ("ben", 20)],
        1: [("ana", 90)],
        0: [],
    }
    for k, expected in cases.items():
        got = _run(lines, k)
        assert got == expected, (
            f"top_k_stream(lines, {k}) should be {expected}, got {got}. "
            "Events rank by score, then by line: the earlier line wins a tie."
        )


def test_stream_skips_bad_lines():
    lines = [
        "player,score\n",  # header
        "\n",
        "ana,10\n",
        "   \n",
        "bob\n",  # no score
        "cat,abc\n",  # not a number
        "dan,5,7\n",  # extra field
        " eve , 42 \n",  # whitespace around fields is fine
        ",9\n",  # no player
        "fay,-3\n",  # negative scores are valid
        "gus,4.5\n",  # not an integer
        "hal,10",  # last line without newline
    ]
    expected = [("eve", 42), ("ana", 10), ("hal", 10), ("fay", -3)]
    got = _run(lines, 10)
    assert got == expected, (
        f"on a stream with a header, blank and malformed lines, top_k_stream(lines, 10) should be {expected}, "
        f"got {got}. Skip invalid lines instead of failing; strip whitespace around fields."
    )


_LINES = 300_000
_K = 10
# Keeping every event of the stream needs tens of MB here; a heap of 10 needs
# a few kB. The limit sits far from both.
_PEAK_LIMIT_BYTES = 4 * 1024 * 1024


def _events(n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        yield f"player{rng.randrange(50_000)},{rng.randrange(100_000)}\n"


def _expected_top(n, seed, k):
    best = sorted(
        ((-int(score), i, player) for i, (player, score) in
         enumerate(line.strip().split(",") for line in _events(n, seed))),
    )[:k]
    return [(player, -neg) for neg, _i, player in best]


def test_stream_bounded_memory():
    expected = _expected_top(_LINES, 11, _K)
    gc.collect()
    tracemalloc.start()
    try:
        result = top_k_stream(_events(_LINES, 11), _K)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    got = _as_pairs(result)
    assert got == expected, f"on a {_LINES}-line stream, top_k_stream(lines, {_K}) should be {expected}, got {got}"
    assert peak <= _PEAK_LIMIT_BYTES, (
        f"top_k_stream over {_LINES} lines with k={_K} peaked at {peak / 1024:,.0f} KiB of memory "
        f"(limit {_PEAK_LIMIT_BYTES // 1024:,} KiB). Keep at most k events at a time in a min-heap; "
        "do not collect the lines or events into a list."
    )
