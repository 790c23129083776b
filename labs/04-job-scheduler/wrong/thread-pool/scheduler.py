"""Wrong: a thread pool (concurrent.futures.ThreadPoolExecutor) instead of processes.

It reads well and gets the order, retries and backoff right, but threads take
turns on one interpreter lock, so CPU-bound jobs do not run in parallel, and a
thread cannot be killed: a timed-out job is only abandoned, and runs on.
"""

from __future__ import annotations

import concurrent.futures
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dag import CycleError, topological_order

__all__ = [
    "CANCELLED", "FAILED", "SKIPPED", "SUCCEEDED", "TIMED_OUT",
    "CycleError", "Job", "JobResult", "Report", "Scheduler",
]

SUCCEEDED = "succeeded"  # an attempt returned (or the command exited 0)
FAILED = "failed"  # the last allowed attempt raised, or the command exited non-zero
TIMED_OUT = "timed_out"  # the last allowed attempt outlived the job's timeout and was killed
SKIPPED = "skipped"  # never started: a job it depends on did not succeed
CANCELLED = "cancelled"  # the scheduler was stopped before the job finished (killed, or never started)

_NOT_SUCCEEDED = {FAILED, TIMED_OUT, SKIPPED, CANCELLED}

# How long the loop waits at most when no deadline is near: only a safety net,
# since every event that matters wakes the wait up by itself.
_IDLE_WAIT_SECONDS = 1.0


@dataclass(frozen=True)
class Job:
    """One unit of work and the rules for running it.

    target: a Python callable, run as target(*args, **kwargs) in a child
        process. It must be picklable (a function defined at the top level of
        a module), and so must its arguments and its return value, which
        becomes the job's result.
        Or a command, a list of strings such as ["python3", "etl.py"], run
        without a shell; it succeeds when it exits with code 0.
    deps: names of the jobs that must succeed before this one starts.
    max_attempts: how many times the job may run before it counts as failed.
    backoff: seconds to wait before the 2nd attempt; each later wait doubles
        (backoff, 2 * backoff, 4 * backoff, ...).
    timeout: seconds an attempt may run before it is killed; None for no limit.
    """

    name: str
    target: Callable[..., Any] | Sequence[str]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    deps: Sequence[str] = ()
    max_attempts: int = 1
    backoff: float = 0.0
    timeout: float | None = None


@dataclass
class JobResult:
    """What happened to one job. `state` is one of the five states above."""

    name: str
    state: str = "pending"
    attempts: int = 0
    result: Any = None
    error: str | None = None
    started_at: float | None = None  # time.time() when the first attempt started
    finished_at: float | None = None  # time.time() when the job reached its state


@dataclass
class Report:
    """The outcome of a run: one JobResult per job, in the order the jobs were given."""

    jobs: dict[str, JobResult]
    stopped: bool = False  # True when stop() ended the run early

    def __getitem__(self, name: str) -> JobResult:
        return self.jobs[name]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the report, as run_jobs.py writes it."""
        return {
            "stopped": self.stopped,
            "jobs": {
                name: {
                    "state": job.state,
                    "attempts": job.attempts,
                    "result": _json_ready(job.result),
                    "error": job.error,
                    "started_at": job.started_at,
                    "finished_at": job.finished_at,
                }
                for name, job in self.jobs.items()
            },
        }

    def summary(self) -> str:
        """A small table of the jobs' states, for the terminal."""
        width = max([len("job"), *(len(name) for name in self.jobs)])
        lines = [f"{'job':<{width}}  {'state':<9}  attempts  error"]
        for name, job in self.jobs.items():
            lines.append(f"{name:<{width}}  {job.state:<9}  {job.attempts:>8}  {job.error or ''}".rstrip())
        if self.stopped:
            lines.append("(the run was stopped before every job had finished)")
        return "\n".join(lines)


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    return repr(value)


def _call(job: Job) -> Any:
    if callable(job.target):
        return job.target(*job.args, **job.kwargs)
    code = subprocess.run([str(part) for part in job.target], check=False).returncode
    if code != 0:
        raise RuntimeError(f"the command exited with code {code}")
    return None


class Scheduler:
    """Runs jobs in dependency order on at most `workers` threads at a time."""

    def __init__(self, jobs: Iterable[Job], workers: int = 2, grace: float = 5.0) -> None:
        self._jobs: dict[str, Job] = {}
        for job in jobs:
            if job.name in self._jobs:
                raise ValueError(f'two jobs are named "{job.name}"')
            self._jobs[job.name] = job
        self._order = topological_order({name: list(job.deps) for name, job in self._jobs.items()})
        self._workers = workers
        self._grace = grace
        self._stop_requested = threading.Event()

    def stop(self) -> None:
        self._stop_requested.set()

    def run(self) -> Report:
        results = {name: JobResult(name) for name in self._jobs}
        pending = list(self._order)
        not_before: dict[str, float] = {}
        running: dict[concurrent.futures.Future, tuple[str, float | None]] = {}
        stop_deadline: float | None = None
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=self._workers)

        def finish(name: str, state: str, error: str | None = None) -> None:
            results[name].state = state
            results[name].error = error
            results[name].finished_at = time.time()

        try:
            while True:
                now = time.monotonic()
                if self._stop_requested.is_set() and stop_deadline is None:
                    stop_deadline = now + self._grace
                    for name in pending:
                        finish(name, CANCELLED, "stopped before it started")
                    pending.clear()
                for name in list(pending):
                    if any(results[dep].state in (FAILED, TIMED_OUT, SKIPPED, CANCELLED) for dep in self._jobs[name].deps):
                        pending.remove(name)
                        finish(name, SKIPPED, "a dependency did not succeed")
                for name in list(pending):
                    if len(running) >= self._workers:
                        break
                    job = self._jobs[name]
                    if all(results[dep].state == SUCCEEDED for dep in job.deps) and not_before.get(name, 0.0) <= now:
                        pending.remove(name)
                        results[name].attempts += 1
                        results[name].started_at = results[name].started_at or time.time()
                        deadline = now + job.timeout if job.timeout is not None else None
                        running[pool.submit(_call, job)] = (name, deadline)
                if not running and not pending:
                    break
                done, _ = concurrent.futures.wait(list(running), timeout=0.02, return_when=concurrent.futures.FIRST_COMPLETED)
                now = time.monotonic()
                for future, (name, deadline) in list(running.items()):
                    job = self._jobs[name]
                    if future in done:
                        error = future.exception()
                        state, value = (SUCCEEDED, future.result()) if error is None else (FAILED, f"{type(error).__name__}: {error}")
                    elif deadline is not None and now >= deadline:
                        state, value = TIMED_OUT, f"timed out after {job.timeout:g} s"  # the thread runs on: it cannot be killed
                    elif stop_deadline is not None and now >= stop_deadline:
                        state, value = CANCELLED, "abandoned at shutdown"
                    else:
                        continue
                    del running[future]
                    if state == SUCCEEDED:
                        results[name].result = value
                        finish(name, SUCCEEDED)
                    elif state in (FAILED, TIMED_OUT) and results[name].attempts < job.max_attempts and stop_deadline is None:
                        not_before[name] = now + job.backoff * 2 ** (results[name].attempts - 1)
                        pending.append(name)
                        pending.sort(key=self._order.index)
                    else:
                        finish(name, state, value)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return Report(jobs=results, stopped=stop_deadline is not None)
