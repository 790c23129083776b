"""Hidden checks for dag.py and the scheduler's validation (lab 04, job-scheduler).

Run with the learner's lab folder as the working directory and on PYTHONPATH.
Standard library, pytest and psutil only; every random choice is seeded.
"""

from __future__ import annotations

import random

import pytest

import jobkit
from dag import CycleError, topological_order
from scheduler import Job, Scheduler


def _assert_topological(order, dependencies, label):
    assert isinstance(order, list), f"topological_order({label}) must return a list, got {type(order).__name__}"
    assert sorted(order) == sorted(dependencies), (
        f"topological_order({label}) must list every job exactly once: expected {sorted(dependencies)}, got {order}"
    )
    where = {name: index for index, name in enumerate(order)}
    for name, deps in dependencies.items():
        for dep in deps:
            assert where[dep] < where[name], (
                f"topological_order({label}) returned {order}: {name!r} comes before {dep!r}, which it depends on"
            )


def test_topological_order():
    etl = {
        "extract_orders": [],
        "extract_customers": [],
        "clean_orders": ["extract_orders"],
        "join": ["clean_orders", "extract_customers"],
        "publish": ["join"],
        "audit": [],
    }
    order = topological_order(etl)
    _assert_topological(order, etl, "a small ETL graph")
    expected = ["extract_orders", "extract_customers", "clean_orders", "join", "publish", "audit"]
    assert order == expected, (
        f"when several jobs could come next, the one given first must come first: expected {expected}, got {order}"
    )
    assert topological_order({}) == [], f"topological_order({{}}) should be [], got {topological_order({})!r}"

    # Dependencies listed before the jobs that depend on them are not required.
    backwards = {"load": ["transform"], "transform": ["extract"], "extract": []}
    order = topological_order(backwards)
    assert order == ["extract", "transform", "load"], (
        f"for load -> transform -> extract given in that order, expected ['extract', 'transform', 'load'], got {order}"
    )

    rng = random.Random(404)
    for case in range(20):
        names = [f"job{i:02d}" for i in range(30)]
        rng.shuffle(names)
        # Edges only from later to earlier names in a hidden ranking: always a DAG.
        ranking = names[:]
        rng.shuffle(ranking)
        graph = {name: sorted(rng.sample(ranking[: ranking.index(name)], min(3, ranking.index(name)))) for name in names}
        _assert_topological(topological_order(graph), graph, f"random DAG #{case + 1} of 30 jobs")


def _assert_is_cycle(cycle, dependencies, members):
    assert isinstance(cycle, list) and cycle, f"CycleError.cycle must be a non-empty list of job names, got {cycle!r}"
    assert set(cycle) == set(members), (
        f"the cycle is {sorted(members)}; CycleError.cycle should name exactly those jobs (not the jobs that only depend on them), got {cycle}"
    )
    assert len(cycle) == len(members), f"CycleError.cycle should name each job of the cycle once, got {cycle}"
    pairs = list(zip(cycle, cycle[1:] + cycle[:1]))
    forwards = all(b in dependencies[a] for a, b in pairs)
    backwards = all(a in dependencies[b] for a, b in pairs)
    assert forwards or backwards, (
        f"CycleError.cycle {cycle} is not in cycle order: each job should depend on the next (and the last on the first)"
    )


def _raised(call, description):
    """The exception call() raises, or a failure saying that it returned."""
    try:
        value = call()
    except Exception as error:  # noqa: BLE001
        return error
    pytest.fail(f"{description} should raise, but it returned {value!r}")


def test_cycle_rejected(tmp_path):
    graph = {
        "extract": ["load"],
        "transform": ["extract"],
        "load": ["transform"],
        "report": ["load"],  # depends on the cycle, but is not in it
        "cleanup": [],
    }
    error = _raised(lambda: topological_order(graph), "topological_order() of extract -> load -> transform -> extract (plus report and cleanup)")
    assert isinstance(error, CycleError), f"a dependency cycle should raise CycleError, got {type(error).__name__}: {error}"
    _assert_is_cycle(error.cycle, graph, ["extract", "transform", "load"])
    message = str(error)
    for name in ("extract", "transform", "load"):
        assert name in message, f"the CycleError message should name every job of the cycle; {name!r} is missing from {message!r}"

    error = _raised(lambda: topological_order({"a": [], "b": ["b"]}), "topological_order() of a job b that depends on itself")
    assert isinstance(error, CycleError), f"a job that depends on itself should raise CycleError, got {type(error).__name__}: {error}"
    assert error.cycle == ["b"], f"a job that depends on itself is a cycle of one: expected cycle ['b'], got {error.cycle!r}"

    error = _raised(lambda: topological_order({"load": ["transfrom"], "transform": []}), 'topological_order() of a job that depends on "transfrom", which is not a job')
    assert isinstance(error, ValueError) and not isinstance(error, CycleError), (
        f"a dependency on a job that does not exist should raise ValueError (not CycleError), got {type(error).__name__}: {error}"
    )
    message = str(error)
    assert "load" in message and "transfrom" in message, (
        f"a dependency on an unknown job should be a ValueError naming the job and the missing dependency, got {message!r}"
    )

    # The scheduler refuses a cyclic graph before anything runs.
    records = str(tmp_path)
    jobs = [
        Job("cleanup", jobkit.sleeper, args=(records, "cleanup", 0.0)),
        Job("extract", jobkit.sleeper, args=(records, "extract", 0.0), deps=["load"]),
        Job("transform", jobkit.sleeper, args=(records, "transform", 0.0), deps=["extract"]),
        Job("load", jobkit.sleeper, args=(records, "load", 0.0), deps=["transform"]),
    ]
    error = _raised(lambda: Scheduler(jobs, workers=2).run(), "Scheduler(jobs).run() with a dependency cycle")
    assert isinstance(error, CycleError), f"Scheduler(jobs) with a dependency cycle should raise CycleError, got {type(error).__name__}: {error}"
    _assert_is_cycle(error.cycle, {job.name: list(job.deps) for job in jobs}, ["extract", "transform", "load"])
    ran = sorted(path.stem for path in tmp_path.glob("*.jsonl"))
    assert ran == [], f"no job may run when the graph has a cycle, not even the independent ones; these ran: {ran}"
