"""Hidden checks for leaderboard.py (lab 01, heap-ranking).

Run with the learner's lab folder as the working directory and on PYTHONPATH.
Standard library and pytest only; every random choice is seeded.
"""

from __future__ import annotations

import gc
import random
import time

from leaderboard import Leaderboard


def _as_pairs(result):
    """Normalise top() output to a list of (player, score) tuples, or fail with a clear message."""
    assert isinstance(result, list), f"top() must return a list, got {type(result).__name__}"
    pairs = []
    for item in result:
        assert isinstance(item, (tuple, list)) and len(item) == 2, (
            f"top() must return (player, score) pairs, got an item {item!r}"
        )
        pairs.append((item[0], item[1]))
    return pairs


def _first_difference(expected, got):
    """Where two lists first disagree, as text; '' if they are not both lists."""
    if not (isinstance(expected, list) and isinstance(got, list)):
        return ""
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            return f" (first difference at position {i}: expected {e!r}, got {g!r})"
    return f" (expected {len(expected)} items, got {len(got)})"


def _short(value, limit=12):
    """A readable, bounded rendering of a result (long lists are cut)."""
    if isinstance(value, list) and len(value) > limit:
        return f"{value[:limit]!r} ... ({len(value)} items)"
    return repr(value)


class _Model:
    """The obvious, slow, correct leaderboard the checks compare against."""

    def __init__(self):
        self.best = {}  # player -> (score, seq)
        self.seq = 0

    def submit(self, player, score):
        seq = self.seq
        self.seq += 1
        current = self.best.get(player)
        if current is None or score > current[0]:
            self.best[player] = (score, seq)

    def top(self, k):
        if k <= 0:
            return []
        ordered = sorted(self.best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        return [(player, score) for player, (score, _seq) in ordered[:k]]

    def rank(self, player):
        if player not in self.best:
            return None
        return [p for p, _ in self.top(len(self.best))].index(player) + 1

    def remove(self, player):
        self.best.pop(player, None)

    def __len__(self):
        return len(self.best)


def _submit_all(lb, events):
    for player, score in events:
        lb.submit(player, score)


def test_best_score_kept():
    lb = Leaderboard()
    _submit_all(lb, [("ana", 50), ("ana", 30), ("ben", 40), ("ana", 70), ("ana", 60), ("ben", 45)])
    assert len(lb) == 2, f"two players submitted, but len(lb) is {len(lb)}"
    got = _as_pairs(lb.top(2))
    expected = [("ana", 70), ("ben", 45)]
    assert got == expected, (
        f"after ana: 50, 30, 70, 60 and ben: 40, 45, top(2) should be {expected}, got {got}. "
        "A player's score is their best so far: a lower submission must not lower it."
    )


def test_top_order_and_ties():
    lb = Leaderboard()
    _submit_all(lb, [
        ("zoe", 80),
        ("amy", 80),  # same score as zoe, reached later: below zoe despite the name
        ("max", 95),
        ("bob", 60),
        ("zoe", 80),  # an equal resubmission changes nothing: zoe still reached 80 first
        ("amy", 70),  # lower than amy's best: ignored
        ("cat", 80),
        ("bob", 80),  # bob reaches 80 last of all
    ])
    full = [("max", 95), ("zoe", 80), ("amy", 80), ("cat", 80), ("bob", 80)]
    got = _as_pairs(lb.top(5))
    assert got == full, (
        f"top(5) should be {full}, got {got}. Equal scores rank by who reached that score first; "
        "resubmitting the same score must not change a player's place."
    )
    got = _as_pairs(lb.top(3))
    assert got == full[:3], f"top(3) should be {full[:3]}, got {got}"
    got = _as_pairs(lb.top(50))
    assert got == full, f"top(k) with k > number of players should return all of them, {full}, got {got}"
    got = _as_pairs(lb.top(0))
    assert got == [], f"top(0) should be [], got {got}"


def test_no_stale_entries():
    lb = Leaderboard()
    # Four players each improve five times; old scores must not linger.
    for round_ in range(1, 6):
        for offset, player in enumerate(["a", "b", "c", "d"]):
            lb.submit(player, round_ * 10 + offset)
    expected = [("d", 53), ("c", 52), ("b", 51), ("a", 50)]
    got = _as_pairs(lb.top(10))
    assert got == expected, (
        f"after every player improved five times, top(10) should be {expected}, got {got}. "
        "Each player appears once, with their current best: skip heap entries that are no longer current."
    )
    for _ in range(3):
        got = _as_pairs(lb.top(2))
        assert got == expected[:2], f"calling top() repeatedly must give the same answer: expected {expected[:2]}, got {got}"
    got = _as_pairs(lb.top(4))
    assert got == expected, f"top() must not change the leaderboard: top(4) after top(2) should be {expected}, got {got}"
    assert len(lb) == 4, f"len(lb) should be 4, got {len(lb)}"


def test_rank():
    lb = Leaderboard()
    _submit_all(lb, [("zoe", 80), ("amy", 80), ("max", 95), ("bob", 60), ("zoe", 80), ("cat", 80)])
    expected = {"max": 1, "zoe": 2, "amy": 3, "cat": 4, "bob": 5}
    got = {player: lb.rank(player) for player in expected}
    assert got == expected, f"ranks should be {expected}, got {got}"
    assert lb.rank("nobody") is None, f"rank() of an unknown player should be None, got {lb.rank('nobody')!r}"
    lb.submit("bob", 99)
    got = (lb.rank("bob"), lb.rank("max"), lb.rank("cat"))
    assert got == (1, 2, 5), f"after bob scores 99, rank of bob, max, cat should be (1, 2, 5), got {got}"


def test_remove():
    lb = Leaderboard()
    _submit_all(lb, [("ann", 100), ("bea", 100), ("cid", 90), ("dan", 80)])
    lb.remove("ann")
    assert len(lb) == 3, f"after removing ann, len(lb) should be 3, got {len(lb)}"
    assert lb.rank("ann") is None, f"rank() of a removed player should be None, got {lb.rank('ann')!r}"
    assert lb.rank("bea") == 1, f"after removing ann, bea should rank 1, got {lb.rank('bea')!r}"
    lb.remove("nobody")  # unknown players are ignored
    lb.remove("ann")  # so is a second removal

    # ann comes back with the score she had: she is a new player, who reached 100 after bea.
    lb.submit("ann", 100)
    expected = [("bea", 100), ("ann", 100), ("cid", 90), ("dan", 80)]
    got = _as_pairs(lb.top(10))
    assert got == expected, (
        f"ann (100) was removed, then submitted 100 again: top(10) should be {expected}, got {got}. "
        "A returning player starts afresh; the heap entry from before the removal is stale "
        "even though its score matches."
    )
    assert lb.rank("ann") == 2, f"ann came back after bea reached 100, so she should rank 2, got {lb.rank('ann')!r}"

    lb.remove("cid")
    expected = [("bea", 100), ("ann", 100), ("dan", 80)]
    got = _as_pairs(lb.top(10))
    assert got == expected, f"after removing cid, top(10) should be {expected}, got {got}"

    # dan improves, is removed, and comes back lower: the old best must not resurface.
    lb.submit("dan", 95)
    lb.remove("dan")
    lb.submit("dan", 10)
    expected = [("bea", 100), ("ann", 100), ("dan", 10)]
    got = _as_pairs(lb.top(10))
    assert got == expected, f"after dan: 80, 95, removed, then 10, top(10) should be {expected}, got {got}"
    assert len(lb) == 3, f"len(lb) should be 3, got {len(lb)}"
    assert lb.rank("dan") == 3, f"dan should rank 3, got {lb.rank('dan')!r}"


def test_random_operations_match_model():
    rng = random.Random(20240501)
    players = [f"player{i:02d}" for i in range(40)]
    lb, model = Leaderboard(), _Model()
    for step in range(1, 5001):
        roll = rng.random()
        if roll < 0.60:
            player, score = rng.choice(players), rng.randint(0, 300)  # narrow range: many ties
            lb.submit(player, score)
            model.submit(player, score)
            continue
        if roll < 0.82:
            k = rng.randint(0, 15)
            op, got, expected = f"top({k})", _as_pairs(lb.top(k)), model.top(k)
        elif roll < 0.92:
            player = rng.choice(players + ["stranger"])
            op, got, expected = f"rank({player!r})", lb.rank(player), model.rank(player)
        elif roll < 0.97:
            player = rng.choice(players)
            lb.remove(player)
            model.remove(player)
            continue
        else:
            op, got, expected = "len()", len(lb), len(model)
        assert got == expected, (
            f"random sequence of submit/top/rank/remove: operation #{step}, {op}, "
            f"should return {_short(expected)}, got {_short(got)}{_first_difference(expected, got)}"
        )


class _SortingBaseline:
    """The naive leaderboard: top(k) sorts every player, every time."""

    def __init__(self):
        self.best = {}
        self.seq = 0

    def submit(self, player, score):
        self.seq += 1
        current = self.best.get(player)
        if current is None or score > current[0]:
            self.best[player] = (score, self.seq)

    def top(self, k):
        ordered = sorted(self.best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        return [(player, score) for player, (score, _seq) in ordered[:k]]


# Sizes and threshold for test_top_is_fast. Both implementations are timed in
# the same run, round by round, so machine speed and load cancel out.
_PLAYERS = 30_000
_ROUNDS = 200
_MAX_RATIO = 0.1


def test_top_is_fast():
    rng = random.Random(7)
    lb, baseline = Leaderboard(), _SortingBaseline()
    for i in range(_PLAYERS):
        player, score = f"p{i:06d}", rng.randint(0, 1_000_000)
        lb.submit(player, score)
        baseline.submit(player, score)

    learner_seconds = baseline_seconds = 0.0
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_ in range(1, _ROUNDS + 1):
            player = f"p{rng.randrange(_PLAYERS):06d}"
            score = rng.randint(900_000, 1_100_000)  # often enough a new entry in the top 10

            start = time.perf_counter()
            lb.submit(player, score)
            got = lb.top(10)
            middle = time.perf_counter()
            baseline.submit(player, score)
            expected = baseline.top(10)
            end = time.perf_counter()

            learner_seconds += middle - start
            baseline_seconds += end - middle
            got = _as_pairs(got)
            assert got == expected, (
                f"with {_PLAYERS} players, after {round_} interleaved submit/top(10) rounds, "
                f"top(10) should be {expected}, got {got}"
            )
    finally:
        if gc_was_enabled:
            gc.enable()

    ratio = learner_seconds / baseline_seconds
    assert ratio <= _MAX_RATIO, (
        f"{_ROUNDS} rounds of submit + top(10) over {_PLAYERS} players took "
        f"{learner_seconds * 1000:.0f} ms; sorting every player each time took {baseline_seconds * 1000:.0f} ms "
        f"in the same run (ratio {ratio:.3f}, must be at most {_MAX_RATIO}). "
        "top(k) should pop k live entries off a heap, O(k log n), not sort or scan all players."
    )
