"""A job scheduler on a pool of worker processes.

You build the engine of a tiny Airflow: jobs with dependencies (a DAG) run on
at most `workers` processes at a time, with retries, exponential backoff,
timeouts that really kill, no orphaned processes, and a graceful shutdown.

The data types (Job, JobResult, Report and the five states) are given and
are the API the checks use: keep their names and fields. Scheduler is yours.
See README.md for the rules, and try it by hand:

    python run_jobs.py example_jobs.py --workers 2
"""

from __future__ import annotations

import multiprocessing  # noqa: F401  (multiprocessing.get_context().Process, .Pipe)
import multiprocessing.connection  # noqa: F401  (multiprocessing.connection.wait)
import os  # noqa: F401  (os.setsid, os.killpg, os.pipe)
import signal
import subprocess  # noqa: F401  (to run command jobs)
import threading  # noqa: F401  (threading.Event is safe to set from a signal handler)
import time  # noqa: F401  (time.monotonic for deadlines, time.time for the report)
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dag import CycleError, topological_order  # noqa: F401  (re-exported: from scheduler import CycleError)

__all__ = [
    "CANCELLED", "FAILED", "SKIPPED", "SUCCEEDED", "TIMED_OUT",
    "CycleError", "Job", "JobResult", "Report", "Scheduler",
]

SUCCEEDED = "succeeded"  # an attempt returned (or the command exited 0)
FAILED = "failed"  # the last allowed attempt raised, or the command exited non-zero
TIMED_OUT = "timed_out"  # the last allowed attempt outlived the job's timeout and was killed
SKIPPED = "skipped"  # never started: a job it depends on did not succeed
CANCELLED = "cancelled"  # the scheduler was stopped before the job finished (killed, or never started)


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


def _exit_description(code: int | None) -> str:
    """A process's exit code in words: "exited with code 3", "was killed by SIGKILL"."""
    if code is not None and code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _attempt_main(conn: multiprocessing.connection.Connection, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The body of an attempt's child process (the target of its multiprocessing.Process).

    `conn` is the sending end of a Pipe whose receiving end the scheduler keeps.
    """
    # TODO, in this order:
    #   1. Put this process in a session (and process group) of its own, so the
    #      scheduler can kill it and everything it starts at once: os.setsid().
    #   2. Reset SIGTERM and SIGINT to signal.SIG_DFL: a forked child inherits
    #      the scheduler's handlers.
    #   3. Run the job. A callable: value = target(*args, **kwargs). A command
    #      (a list of strings): subprocess.run(target), a failure unless its
    #      returncode is 0. Do not os.exec* it: the process sentinel is a
    #      close-on-exec pipe, and would report "exited" while it still runs.
    #   4. Send the outcome: conn.send(("ok", value)), or on an exception
    #      conn.send(("error", "ValueError: the message")) and exit non-zero
    #      (raise SystemExit(1)).
    raise NotImplementedError("TODO: _attempt_main")


class Scheduler:
    """Runs jobs in dependency order on at most `workers` processes at a time."""

    def __init__(self, jobs: Iterable[Job], workers: int = 2, grace: float = 5.0) -> None:
        """Validates the jobs: raises ValueError for a duplicate name or an
        unknown dependency, and CycleError when dependencies form a cycle."""
        self._jobs = {job.name: job for job in jobs}
        self._workers = workers
        self._grace = grace
        # TODO: reject duplicate names, and validate the graph with
        #       topological_order() (dag.py) before anything runs.
        # TODO: what stop() needs: a threading.Event, and a pipe (os.pipe())
        #       whose read end the run loop waits on, so that stop() can wake it.

    def stop(self) -> None:
        """Asks the run to shut down gracefully. Safe to call from a signal handler or another thread.

        No new attempt starts; jobs that were waiting are cancelled; running
        attempts get `grace` seconds to finish, then they are killed.
        """
        # TODO: set the event, and write a byte to the wake-up pipe.

    def run(self) -> Report:
        """Runs every job once its dependencies succeeded; returns when no job can still run.

        The loop, in outline (README.md has the rules):
          * skip the pending jobs with a dependency that did not succeed;
          * start ready jobs, the ones given first first, while fewer than
            `workers` attempts run: one multiprocessing.Process per attempt,
            target _attempt_main, with a Pipe for its result;
          * wait with multiprocessing.connection.wait() on the result pipes,
            the process sentinels and the wake-up pipe, for at most the time
            until the next deadline (a timeout, a retry due, the grace end);
          * an attempt that ended: kill its process group (os.killpg), join
            it, and decide: succeeded, retry after backoff * 2 ** (n - 1)
            seconds (without sleeping!), or failed / timed_out;
          * an attempt past its timeout: kill it the same way.
        """
        # TODO: replace this placeholder, which runs nothing.
        return Report(jobs={name: JobResult(name) for name in self._jobs})
