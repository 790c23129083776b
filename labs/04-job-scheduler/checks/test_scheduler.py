"""Hidden checks for scheduler.py (lab 04, job-scheduler).

Run with the learner's lab folder as the working directory and on PYTHONPATH.
Standard library, pytest and psutil only. Jobs come from jobkit.py and record
their own start and end times and pids; timings are compared with each other
(a ratio, or one interval against another) and never with the speed of the
machine, except for generous upper bounds on jobs that would otherwise hang.
"""

from __future__ import annotations

import os
import time

import psutil
import pytest

import jobkit
from scheduler import Job, Scheduler

_MULTIPROCESSING_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver", "multiprocessing.semaphore_tracker")


def _is_multiprocessing_helper(process):
    """multiprocessing's own long-lived helpers (spawn and forkserver start them), which are not jobs."""
    try:
        return any(helper in " ".join(process.cmdline()) for helper in _MULTIPROCESSING_HELPERS)
    except psutil.Error:
        return False


def _live_children(exclude=()):
    """This process's descendants that are still alive (not zombies), other than multiprocessing's helpers."""
    alive = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.pid in exclude or child.status() == psutil.STATUS_ZOMBIE or _is_multiprocessing_helper(child):
                continue
            alive.append(child)
        except psutil.Error:
            continue
    return alive


@pytest.fixture
def records(tmp_path):
    """A folder the jobs record into; afterwards, every process a job left behind is killed."""
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    yield str(tmp_path)
    jobkit.kill_leftovers(str(tmp_path))
    leftovers = _live_children(exclude=before)
    for child in leftovers:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(leftovers, timeout=5)


def _run(jobs, workers):
    """Runs the jobs; returns (report, seconds run() took)."""
    scheduler = Scheduler(jobs, workers=workers)
    start = time.monotonic()
    report = scheduler.run()
    return report, time.monotonic() - start


def _job(report, name):
    """report[name], or a failure saying what the report lacks."""
    try:
        return report[name]
    except Exception as error:  # noqa: BLE001
        jobs = getattr(report, "jobs", None)
        known = sorted(jobs) if isinstance(jobs, dict) else "nothing"
        pytest.fail(f"the report should have a JobResult for job {name!r} (report[{name!r}]); it has {known} ({type(error).__name__})")


def _states(report, names):
    return {name: getattr(_job(report, name), "state", None) for name in names}


def _only_attempt(records, name):
    found = jobkit.attempts(records, name)
    assert len(found) == 1, f"job {name!r} should have run exactly once, but it started {len(found)} times"
    assert found[0].end is not None, f"job {name!r} started but never finished"
    return found[0]


def test_dependencies_respected(records):
    # Given in reverse: the order of the list is not an order of execution.
    jobs = [
        Job("publish", jobkit.command("sleep_and_exit", records, "publish", 0.0, 0), deps=["join"]),
        Job("join", jobkit.sleeper, args=(records, "join", 0.1, ["a", "b"]), deps=["clean_a", "clean_b"]),
        Job("clean_b", jobkit.sleeper, args=(records, "clean_b", 0.3, "b"), deps=["extract"]),
        Job("clean_a", jobkit.sleeper, args=(records, "clean_a", 0.2, "a"), deps=["extract"]),
        Job("extract", jobkit.sleeper, args=(records, "extract", 0.2, {"rows": 3})),
    ]
    report, _seconds = _run(jobs, workers=2)
    names = [job.name for job in jobs]
    states = _states(report, names)
    assert states == {name: "succeeded" for name in names}, f"every job of this DAG should succeed; the states are {states}"

    for job in jobs:
        mine = _only_attempt(records, job.name)
        for dep in job.deps:
            theirs = _only_attempt(records, dep)
            assert mine.start >= theirs.end, (
                f"job {job.name!r} started {theirs.end - mine.start:.3f} s before {dep!r}, which it depends on, had finished"
            )

    expected = {"extract": {"rows": 3}, "clean_a": "a", "clean_b": "b", "join": ["a", "b"], "publish": None}
    got = {name: _job(report, name).result for name in names}
    assert got == expected, f"each JobResult.result should be the value its callable returned (None for a command): expected {expected}, got {got}"
    got = {name: _job(report, name).attempts for name in names}
    assert got == {name: 1 for name in names}, f"each job ran once, so each JobResult.attempts should be 1, got {got}"


def test_failure_skips_dependents(records):
    jobs = [
        Job("extract", jobkit.flaky, args=(records, "extract", 99)),  # always fails; one attempt allowed
        Job("transform", jobkit.sleeper, args=(records, "transform", 0.0), deps=["extract"]),
        Job("load", jobkit.sleeper, args=(records, "load", 0.0), deps=["transform"]),
        Job("audit", jobkit.sleeper, args=(records, "audit", 0.3, "audited")),
        Job("publish_audit", jobkit.sleeper, args=(records, "publish_audit", 0.0), deps=["audit"]),
        Job("notify", jobkit.sleeper, args=(records, "notify", 0.0), deps=["load", "audit"]),
    ]
    report, _seconds = _run(jobs, workers=2)
    expected = {
        "extract": "failed",
        "transform": "skipped",
        "load": "skipped",
        "audit": "succeeded",
        "publish_audit": "succeeded",
        "notify": "skipped",
    }
    got = _states(report, expected)
    assert got == expected, (
        f"extract fails; everything that depends on it, directly or not, is skipped, and the rest still runs: expected {expected}, got {got}"
    )
    ran = [name for name in ("transform", "load", "notify") if jobkit.attempts(records, name)]
    assert ran == [], f"a job whose dependency failed must never start, but these started: {ran}"
    got = {name: _job(report, name).attempts for name in ("transform", "load", "notify")}
    assert got == {"transform": 0, "load": 0, "notify": 0}, f"skipped jobs never ran, so their attempts should be 0, got {got}"
    error = _job(report, "extract").error
    assert isinstance(error, str) and "attempt 1 failed" in error, (
        f"a failed job's error should carry its exception's message (here 'RuntimeError: extract: attempt 1 failed'), got {error!r}"
    )


def test_retries_with_backoff(records):
    jobs = [
        # Waits of 0.8 and 1.6 s, and of 0.2, 0.4 and 0.8 s: long enough that a backoff of backoff * 2**n
        # (one doubling too many) or backoff * n (linear) misses its window, which is 0.6 s wide.
        Job("flaky", jobkit.flaky, args=(records, "flaky", 2), max_attempts=4, backoff=0.8),
        Job("broken", jobkit.flaky, args=(records, "broken", 99), max_attempts=4, backoff=0.2),
        Job("once", jobkit.flaky, args=(records, "once", 99)),
    ]
    report, _seconds = _run(jobs, workers=3)

    flaky = _job(report, "flaky")
    got = (flaky.state, flaky.attempts, flaky.result)
    expected = ("succeeded", 3, "flaky succeeded on attempt 3")
    assert got == expected, f"flaky fails twice, then succeeds (max_attempts=4): (state, attempts, result) should be {expected}, got {got}"

    broken = _job(report, "broken")
    got = (broken.state, broken.attempts)
    assert got == ("failed", 4), f"broken always fails, with max_attempts=4: (state, attempts) should be ('failed', 4), got {got}"
    assert isinstance(broken.error, str) and "attempt 4 failed" in broken.error, (
        f"a job that failed after its last attempt reports that attempt's error ('...attempt 4 failed'), got {broken.error!r}"
    )
    once = _job(report, "once")
    got = (once.state, once.attempts, len(jobkit.attempts(records, "once")))
    assert got == ("failed", 1, 1), f"max_attempts defaults to 1: a failing job runs once; (state, attempts, runs) should be ('failed', 1, 1), got {got}"

    slack = 0.6
    for name, backoff, count in (("flaky", 0.8, 3), ("broken", 0.2, 4)):
        found = jobkit.attempts(records, name)
        assert len(found) == count, f"{name} should have started {count} times, but it started {len(found)} times"
        for number in range(1, count):
            wait = found[number].start - found[number - 1].end
            due = backoff * 2 ** (number - 1)
            assert wait >= due, (
                f"{name} (backoff={backoff}): attempt {number + 1} started {wait:.3f} s after attempt {number} failed; "
                f"it must wait at least backoff * 2**{number - 1} = {due:.2f} s (exponential backoff: {backoff}, {2 * backoff:g}, {4 * backoff:g}, ...)"
            )
            assert wait <= due + slack, (
                f"{name} (backoff={backoff}): attempt {number + 1} started {wait:.3f} s after attempt {number} failed, "
                f"more than {slack:g} s after its backoff of backoff * 2**{number - 1} = {due:.2f} s was over "
                f"(exponential backoff: {backoff}, {2 * backoff:g}, {4 * backoff:g}, ...; the first retry waits backoff itself)"
            )


def test_backoff_does_not_block(records):
    jobs = [
        Job("flaky", jobkit.flaky, args=(records, "flaky", 1), max_attempts=2, backoff=1.0),
        Job("step1", jobkit.sleeper, args=(records, "step1", 0.1)),
        Job("step2", jobkit.sleeper, args=(records, "step2", 0.1), deps=["step1"]),
        Job("step3", jobkit.sleeper, args=(records, "step3", 0.1), deps=["step2"]),
    ]
    report, _seconds = _run(jobs, workers=2)
    got = _states(report, [job.name for job in jobs])
    expected = {"flaky": "succeeded", "step1": "succeeded", "step2": "succeeded", "step3": "succeeded"}
    assert got == expected, f"expected {expected}, got {got}"
    first, second = jobkit.attempts(records, "flaky")[:2]
    wait = second.start - first.end
    assert wait >= 1.0, f"flaky (backoff=1.0) was retried {wait:.3f} s after it failed; it must wait at least 1.0 s"
    step3 = _only_attempt(records, "step3")
    assert step3.start < second.start, (
        f"while flaky waited 1.0 s for its retry, step1, step2 and step3 (0.1 s each) should have run, "
        f"but step3 started {step3.start - second.start:.3f} s after flaky's retry. "
        "A job waiting for its retry must not hold up the scheduler: do not sleep in the loop."
    )


def _overlap(first, second):
    return min(first.end, second.end) - max(first.start, second.start)


def test_runs_in_processes(records):
    # CPU-bound Python: threads would take turns on the interpreter lock; processes run at once.
    # Sized in this run to about 0.8 s each, well above the cost of starting a process.
    start = time.perf_counter()
    sum(i * i % 7 for i in range(200_000))
    iterations = max(200_000, int(200_000 * 0.8 / max(time.perf_counter() - start, 1e-6)))
    jobs = [
        Job("crunch_a", jobkit.busy, args=(records, "crunch_a", iterations)),
        Job("crunch_b", jobkit.busy, args=(records, "crunch_b", iterations)),
    ]
    report, _seconds = _run(jobs, workers=2)
    got = _states(report, ["crunch_a", "crunch_b"])
    assert got == {"crunch_a": "succeeded", "crunch_b": "succeeded"}, f"both CPU-bound jobs should succeed, got {got}"
    expected = sum(i * i % 7 for i in range(iterations))
    results = (_job(report, "crunch_a").result, _job(report, "crunch_b").result)
    assert results == (expected, expected), f"both results should be {expected} (the jobs' return values), got {results}"

    a, b = _only_attempt(records, "crunch_a"), _only_attempt(records, "crunch_b")
    me = os.getpid()
    for name, attempt in (("crunch_a", a), ("crunch_b", b)):
        assert attempt.pid != me, (
            f"job {name} ran in the scheduler's own process (pid {me}): every attempt must run in a child process. "
            "Threads take turns on one interpreter lock, so CPU-bound jobs do not run in parallel, and a thread cannot be killed."
        )
    assert a.pid != b.pid, f"two jobs that run at the same time need two processes, but both ran in pid {a.pid}"
    overlap = _overlap(a, b)
    shorter = min(a.duration, b.duration)
    assert overlap >= 0.5 * shorter, (
        f"with 2 workers, the two independent jobs should run at the same time; they overlapped {max(overlap, 0.0):.3f} s "
        f"of the {shorter:.3f} s the shorter one took (at least half expected)"
    )


def _max_concurrency(attempts):
    events = sorted([(a.start, 1) for a in attempts] + [(a.end, -1) for a in attempts], key=lambda e: (e[0], e[1]))
    running = peak = 0
    for _time, delta in events:
        running += delta
        peak = max(peak, running)
    return peak


def test_worker_limit(records):
    for workers, count in ((3, 7), (1, 3)):
        names = [f"w{workers}_job{i}" for i in range(count)]
        jobs = [Job(name, jobkit.sleeper, args=(records, name, 0.25)) for name in names]
        report, _seconds = _run(jobs, workers=workers)
        got = _states(report, names)
        assert got == {name: "succeeded" for name in names}, f"with workers={workers}, all {count} jobs should succeed, got {got}"
        found = [_only_attempt(records, name) for name in names]
        peak = _max_concurrency(found)
        assert peak <= workers, f"with workers={workers}, at most {workers} jobs may run at once, but {peak} ran at the same time"
        assert peak == workers, (
            f"with workers={workers} and {count} independent jobs, {workers} jobs should run at once, but at most {peak} did"
        )


def test_critical_path(records):
    # Three jobs on 2 workers: "long" (2.5 s), and "short" (0.25 s) followed by "tail" (2.5 s).
    # The critical path, the longest chain of dependencies, is short + tail = 2.75 s, and a good
    # scheduler finishes close to it. One that runs the graph in waves by depth waits for "long"
    # before it starts "tail", and needs 5 s (a ratio of 1.8).
    jobs = [
        Job("long", jobkit.sleeper, args=(records, "long", 2.5)),
        Job("short", jobkit.sleeper, args=(records, "short", 0.25)),
        Job("tail", jobkit.sleeper, args=(records, "tail", 2.5), deps=["short"]),
    ]
    report, elapsed = _run(jobs, workers=2)
    names = [job.name for job in jobs]
    got = _states(report, names)
    assert got == {name: "succeeded" for name in names}, f"every job should succeed, got {got}"

    durations = {name: _only_attempt(records, name).duration for name in names}
    critical = max(durations["long"], durations["short"] + durations["tail"])
    ratio = elapsed / critical
    limit = 1.5
    assert ratio <= limit, (
        f"run() took {elapsed:.2f} s; the critical path (the longest chain of dependencies, short then tail, measured from "
        f"the jobs' own times in this run) is {critical:.2f} s: ratio {ratio:.2f}, at most {limit} expected. Start each job as "
        "soon as its own dependencies have succeeded and a worker is free, not in waves by depth; and wake up when a job "
        "ends instead of sleeping in the loop."
    )


def test_timeout_kills(records):
    jobs = [
        Job("stuck", jobkit.hang, args=(records, "stuck"), timeout=0.5),
        Job("stuck_twice", jobkit.hang, args=(records, "stuck_twice"), timeout=0.3, max_attempts=2, backoff=0.1),
        Job("after_stuck", jobkit.sleeper, args=(records, "after_stuck", 0.0), deps=["stuck"]),
        Job("quick", jobkit.sleeper, args=(records, "quick", 0.1, "done")),
    ]
    report, elapsed = _run(jobs, workers=3)
    assert elapsed < 8.0, (
        f"run() took {elapsed:.1f} s. The stuck jobs sleep 20 s with timeouts of 0.5 s and 0.3 s: when its time is up, "
        "an attempt must be killed, not waited for"
    )
    expected = {"stuck": "timed_out", "stuck_twice": "timed_out", "after_stuck": "skipped", "quick": "succeeded"}
    got = _states(report, expected)
    assert got == expected, f"expected {expected}, got {got}"
    got = (_job(report, "stuck").attempts, _job(report, "stuck_twice").attempts)
    assert got == (1, 2), (
        f"a timeout is a failed attempt and is retried like one: attempts of (stuck, stuck_twice) should be (1, 2), got {got}"
    )
    alive = jobkit.still_alive(records, ["stuck", "stuck_twice"])
    assert alive == [], (
        f"when run() returned, these timed-out attempts were still running: {alive}. "
        "A timed-out attempt must be killed (its process really dies), not abandoned"
    )


def test_command_jobs(records):
    jobs = [
        Job("ok_cmd", jobkit.command("sleep_and_exit", records, "ok_cmd", 0.0, 0)),
        Job("exit3", jobkit.command("sleep_and_exit", records, "exit3", 0.0, 3)),
        Job("slow_cmd", jobkit.command("sleep_and_exit", records, "slow_cmd", 20.0, 0), timeout=0.5),
        Job("missing", ["no-such-command-delabs-lab-04"]),
        Job("after_ok", jobkit.sleeper, args=(records, "after_ok", 0.0), deps=["ok_cmd"]),
    ]
    report, elapsed = _run(jobs, workers=2)
    assert elapsed < 8.0, f"run() took {elapsed:.1f} s; slow_cmd sleeps 20 s with a timeout of 0.5 s and must be killed when its time is up"
    expected = {"ok_cmd": "succeeded", "exit3": "failed", "slow_cmd": "timed_out", "missing": "failed", "after_ok": "succeeded"}
    got = _states(report, expected)
    assert got == expected, (
        f"a command job succeeds when it exits 0 and fails otherwise (or when it cannot start): expected {expected}, got {got}"
    )
    error = _job(report, "exit3").error
    assert isinstance(error, str) and "3" in error, f"a command that exits with code 3 should fail with an error that says 3, got {error!r}"
    alive = jobkit.still_alive(records, ["slow_cmd"])
    assert alive == [], (
        f"the timed-out command was still running when run() returned: {alive}. The command runs as a child of the "
        "attempt's process, so killing that process alone leaves it running: kill the attempt's whole process group"
    )


def test_no_orphans(records):
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    jobs = [
        Job("spawner", jobkit.spawn_and_return, args=(records, "spawner")),
        Job("stuck_spawner", jobkit.hang, args=(records, "stuck_spawner"), kwargs={"grandchild": True}, timeout=0.5),
        Job("command_spawner", jobkit.command("spawn_and_return", records, "command_spawner")),
    ]
    report, elapsed = _run(jobs, workers=3)
    assert elapsed < 8.0, f"run() took {elapsed:.1f} s; stuck_spawner has a timeout of 0.5 s and must be killed when its time is up"
    expected = {"spawner": "succeeded", "stuck_spawner": "timed_out", "command_spawner": "succeeded"}
    got = _states(report, expected)
    assert got == expected, f"expected {expected}, got {got}"

    alive = jobkit.still_alive(records, ["spawner", "stuck_spawner", "command_spawner"])
    assert alive == [], (
        f"after run() returned, these processes were still alive: {alive}. When an attempt ends (it returned, failed or timed out), "
        "kill whatever it started too: run it in a process group of its own (os.setsid() in the child) and kill the group (os.killpg)"
    )
    deadline = time.monotonic() + 1.0
    while _live_children(exclude=before) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = []
    for child in _live_children(exclude=before):
        try:
            left.append(f"pid {child.pid} ({' '.join(child.cmdline())[:80]})")
        except psutil.Error:
            continue
    assert left == [], (
        f"after run() returned, the scheduler's process still had live child processes: {left}. "
        "Every process an attempt starts must end with the attempt, and every worker must be joined."
    )
