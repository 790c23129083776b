"""Wrong: when an attempt times out, it is marked timed_out and forgotten, but never
killed: its process (and whatever it started) runs on after run() returns.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
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


def _attempt_main(conn: multiprocessing.connection.Connection, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The body of an attempt's child process."""
    # Own session and process group: the scheduler can kill the attempt and
    # everything it starts with one os.killpg, and a Ctrl-C in the terminal
    # (sent to the foreground group) reaches the scheduler only, which decides.
    os.setsid()
    # A forked child inherits the scheduler's signal handlers: put the
    # defaults back, so a SIGTERM kills a job instead of "stopping" it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        if callable(target):
            value = target(*args, **kwargs)
        else:
            # Not os.exec*: the process sentinel is a close-on-exec pipe, so
            # after an exec it would signal "exited" while the command runs.
            # The command inherits this process group, so the kill reaches it.
            code = subprocess.run([str(part) for part in target], check=False).returncode
            if code != 0:
                conn.send(("error", f"the command {_exit_description(code)}"))
                raise SystemExit(1)
            value = None
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 (the job's error, whatever it is, is the report's)
        conn.send(("error", f"{type(error).__name__}: {error}"))
        raise SystemExit(1) from None
    try:
        conn.send(("ok", value))
    except Exception as error:  # noqa: BLE001 (an unpicklable result)
        conn.send(("error", f"the result could not be sent back: {type(error).__name__}: {error}"))
        raise SystemExit(1) from None


@dataclass
class _Attempt:
    job: Job
    number: int
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    deadline: float | None
    message: tuple[str, Any] | None = None


class Scheduler:
    """Runs jobs in dependency order on at most `workers` processes at a time."""

    def __init__(self, jobs: Iterable[Job], workers: int = 2, grace: float = 5.0) -> None:
        """Validates the jobs: raises ValueError for a duplicate name or an
        unknown dependency, and CycleError when dependencies form a cycle."""
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._jobs: dict[str, Job] = {}
        for job in jobs:
            if job.name in self._jobs:
                raise ValueError(f'two jobs are named "{job.name}"')
            if job.max_attempts < 1:
                raise ValueError(f'job "{job.name}": max_attempts must be at least 1, got {job.max_attempts}')
            self._jobs[job.name] = job
        self._order = topological_order({name: list(job.deps) for name, job in self._jobs.items()})
        self._workers = workers
        self._grace = grace
        self._context = multiprocessing.get_context()
        self._stop_requested = threading.Event()
        # stop() may run in a signal handler or another thread while the loop
        # waits: a byte in this pipe wakes the wait up at once.
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)

    def stop(self) -> None:
        """Asks the run to shut down gracefully. Safe to call from a signal handler or another thread.

        No new attempt starts; jobs that were waiting are cancelled; running
        attempts get `grace` seconds to finish, then they are killed.
        """
        self._stop_requested.set()
        try:
            os.write(self._wake_write, b"x")
        except OSError:  # the pipe is full (it is already awake) or closed (the run is over)
            pass

    def run(self) -> Report:
        """Runs every job once its dependencies succeeded; returns when no job can still run."""
        results = {name: JobResult(name) for name in self._jobs}
        pending = list(self._order)  # not started yet, or waiting for a retry
        not_before: dict[str, float] = {}  # name -> monotonic time its retry is due
        running: dict[str, _Attempt] = {}
        stop_deadline: float | None = None

        def finish(name: str, state: str, error: str | None = None) -> None:
            results[name].state = state
            if error is not None:
                results[name].error = error
            results[name].finished_at = time.time()

        try:
            while True:
                now = time.monotonic()
                if self._stop_requested.is_set() and stop_deadline is None:
                    stop_deadline = now + self._grace
                    for name in pending:
                        finish(name, CANCELLED, results[name].error or "the scheduler was stopped before the job started")
                    pending.clear()

                # Jobs with a dependency that did not succeed can never run.
                # `pending` is in topological order, so one pass reaches the
                # dependents of dependents too.
                for name in list(pending):
                    failed = [dep for dep in self._jobs[name].deps if results[dep].state in _NOT_SUCCEEDED]
                    if failed:
                        pending.remove(name)
                        finish(name, SKIPPED, f'dependency "{failed[0]}" ended {results[failed[0]].state}')

                # Start what can start, the jobs given first first.
                for name in self._startable(pending, results, not_before, now):
                    if len(running) >= self._workers:
                        break
                    pending.remove(name)
                    running[name] = self._start(self._jobs[name], results[name])

                if not running and not pending:
                    break

                # Wait for the next event: a result, an exit, stop(), or a deadline.
                deadlines = [attempt.deadline for attempt in running.values() if attempt.deadline is not None]
                # A retry due later wakes the loop; one due already waits for a free worker, whose exit wakes it.
                deadlines += [not_before[name] for name in self._startable(pending, results, not_before, float("inf")) if not_before.get(name, 0.0) > now]
                if stop_deadline is not None:
                    deadlines.append(stop_deadline)
                wait_for = min([_IDLE_WAIT_SECONDS, *(deadline - now for deadline in deadlines)])
                objects: list[Any] = [self._wake_read]
                for attempt in running.values():
                    objects += [attempt.conn, attempt.process.sentinel]
                ready = set(multiprocessing.connection.wait(objects, timeout=max(0.0, wait_for)))
                if self._wake_read in ready:
                    os.read(self._wake_read, 1024)

                for name, attempt in list(running.items()):
                    if attempt.conn in ready:
                        self._receive(attempt)
                    now = time.monotonic()
                    if attempt.process.sentinel in ready:
                        outcome = self._end(attempt)
                    elif attempt.deadline is not None and now >= attempt.deadline:
                        attempt.conn.close()  # stop listening to it and move on
                        outcome = (TIMED_OUT, f"timed out after {attempt.job.timeout:g} s")
                    elif stop_deadline is not None and now >= stop_deadline:
                        self._kill(attempt)
                        outcome = (CANCELLED, f"killed after the {self._grace:g} s shutdown grace period")
                    else:
                        continue
                    del running[name]
                    state, value = outcome
                    if state == SUCCEEDED:
                        results[name].result = value
                        results[name].error = None  # an earlier attempt's error is history now
                        finish(name, SUCCEEDED)
                    elif state in (FAILED, TIMED_OUT) and attempt.number < attempt.job.max_attempts and stop_deadline is None:
                        # Back to the pending jobs, in its place in the order, due after the backoff.
                        results[name].error = value
                        not_before[name] = time.monotonic() + attempt.job.backoff * 2 ** (attempt.number - 1)
                        pending.append(name)
                        pending.sort(key=self._order.index)
                    else:
                        finish(name, state, value)
        finally:
            # However the loop ends (even by an exception), nothing it started survives it.
            pass
        return Report(jobs=results, stopped=stop_deadline is not None)

    def _startable(self, pending: list[str], results: dict[str, JobResult], not_before: dict[str, float], now: float) -> list[str]:
        """Pending jobs whose dependencies all succeeded and whose retry (if any) is due by `now`."""
        return [
            name for name in pending
            if all(results[dep].state == SUCCEEDED for dep in self._jobs[name].deps)
            and not_before.get(name, 0.0) <= now
        ]

    def _start(self, job: Job, result: JobResult) -> _Attempt:
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_attempt_main, args=(send, job.target, job.args, job.kwargs), name=f"job-{job.name}", daemon=True)
        process.start()
        # Close our copy of the sending end: once the child has exited, the
        # pipe reads as closed instead of waiting forever.
        send.close()
        result.attempts += 1
        if result.started_at is None:
            result.started_at = time.time()
        deadline = time.monotonic() + job.timeout if job.timeout is not None else None
        return _Attempt(job=job, number=result.attempts, process=process, conn=receive, deadline=deadline)

    @staticmethod
    def _receive(attempt: _Attempt) -> None:
        # Read as soon as the child sends: a result bigger than the pipe's
        # buffer would otherwise block the child's send, and the child would
        # never exit.
        try:
            attempt.message = attempt.conn.recv()
        except (EOFError, OSError):
            pass

    def _end(self, attempt: _Attempt) -> tuple[str, Any]:
        """The outcome of an attempt whose process has exited."""
        if attempt.message is None and attempt.conn.poll():
            self._receive(attempt)
        self._kill(attempt)  # the process is gone, but what it started may not be
        code = attempt.process.exitcode
        if attempt.message is not None and attempt.message[0] == "ok" and code == 0:
            return SUCCEEDED, attempt.message[1]
        if attempt.message is not None and attempt.message[0] == "error":
            return FAILED, attempt.message[1]
        return FAILED, f"the job's process {_exit_description(code)} without a result"

    @staticmethod
    def _kill(attempt: _Attempt) -> None:
        """Kills the attempt's process group (its process and all it started) and reaps the process."""
        pid = attempt.process.pid
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass  # the group is empty (everything already exited)
        # Killed on its own too: a child killed before its os.setsid() is not
        # yet the leader of a group, and killpg finds nothing.
        if attempt.process.exitcode is None:
            attempt.process.kill()
        attempt.process.join()
        attempt.conn.close()


def _exit_description(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"
