"""Jobs for the hidden checks of lab 04 (job-scheduler), and the records they leave.

Every job here appends one JSON line per event to <record_dir>/<name>.jsonl:
"start" when an attempt begins (with its pid and, for jobs that start one,
the pid of a grandchild process) and "end" just before it returns or raises.
Times are time.monotonic(), which on Linux and macOS is one clock for every
process of the machine, so intervals recorded by different processes compare.

The functions are at the top level of an importable module so that any
multiprocessing start method (fork, forkserver, spawn) can pickle them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path



def _record(record_dir: str, name: str, event: str, **extra: object) -> None:
    # "wall" (time.time()) tells this process from a later one that reuses its pid: see is_alive.
    line = json.dumps({"event": event, "name": name, "pid": os.getpid(), "time": time.monotonic(), "wall": time.time(), **extra}) + "\n"
    # One O_APPEND write per line: lines from different processes never interleave.
    fd = os.open(os.path.join(record_dir, f"{name}.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _start_grandchild(seconds: float) -> subprocess.Popen:
    """A process the job starts and never waits for: it must die with the attempt."""
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])


def sleeper(record_dir: str, name: str, seconds: float, result: object = None) -> object:
    """Sleeps; returns `result`."""
    _record(record_dir, name, "start")
    time.sleep(seconds)
    _record(record_dir, name, "end")
    return result


def busy(record_dir: str, name: str, iterations: int) -> int:
    """CPU-bound Python: only a process of its own runs it in parallel with another."""
    _record(record_dir, name, "start")
    total = 0
    for i in range(iterations):
        total += i * i % 7
    _record(record_dir, name, "end")
    return total


def flaky(record_dir: str, name: str, failures: int) -> str:
    """Raises on its first `failures` attempts, then succeeds."""
    path = os.path.join(record_dir, f"{name}.jsonl")
    attempt = 1 + (sum(1 for line in open(path, encoding="utf-8") if '"start"' in line) if os.path.exists(path) else 0)
    _record(record_dir, name, "start", attempt=attempt)
    time.sleep(0.02)
    _record(record_dir, name, "end", attempt=attempt)
    if attempt <= failures:
        raise RuntimeError(f"{name}: attempt {attempt} failed")
    return f"{name} succeeded on attempt {attempt}"


def hang(record_dir: str, name: str, seconds: float = 20.0, grandchild: bool = False, ignore_sigterm: bool = False) -> None:
    """Runs far longer than any timeout; optionally starts a grandchild and ignores SIGTERM."""
    if ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the grandchild too
    extra: dict[str, object] = {}
    if grandchild:
        extra["grandchild"] = _start_grandchild(seconds).pid
    _record(record_dir, name, "start", **extra)
    time.sleep(seconds)
    _record(record_dir, name, "end")


def spawn_and_return(record_dir: str, name: str) -> str:
    """Starts a grandchild that would run for 20 s, and returns at once."""
    child = _start_grandchild(20.0)
    _record(record_dir, name, "start", grandchild=child.pid)
    _record(record_dir, name, "end")
    return "started a helper process"


def sleep_and_exit(record_dir: str, name: str, seconds: float, exit_code: int) -> None:
    """The body of a command job: records, sleeps, exits with `exit_code`."""
    _record(record_dir, name, "start")
    time.sleep(seconds)
    _record(record_dir, name, "end")
    sys.exit(exit_code)


def command(function: str, *args: object) -> list[str]:
    """A command (argv, no shell) that runs jobkit.<function>(*args) in a new Python process."""
    here = os.path.dirname(os.path.abspath(__file__))
    call = f"import sys; sys.path.insert(0, {here!r}); import jobkit; jobkit.{function}(*{args!r})"
    return [sys.executable, "-c", call]


class Attempt:
    """One attempt as its job recorded it: start and end times, pid, grandchild pid."""

    def __init__(self, start: dict, end: dict | None) -> None:
        self.start = float(start["time"])
        self.end = float(end["time"]) if end else None
        self.pid = int(start["pid"])
        self.wall = float(start["wall"])  # time.time() of the record: the process existed by then
        self.grandchild = start.get("grandchild")

    @property
    def duration(self) -> float:
        assert self.end is not None
        return self.end - self.start


def attempts(record_dir: str, name: str) -> list[Attempt]:
    """The attempts of job `name`, in order ([] if it never started)."""
    path = Path(record_dir) / f"{name}.jsonl"
    if not path.exists():
        return []
    found: list[Attempt] = []
    open_start: dict | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        if event["event"] == "start":
            if open_start is not None:
                found.append(Attempt(open_start, None))
            open_start = event
        elif event["event"] == "end" and open_start is not None:
            found.append(Attempt(open_start, event))
            open_start = None
    if open_start is not None:
        found.append(Attempt(open_start, None))
    return found


def all_processes(record_dir: str) -> list[tuple[str, int, float]]:
    """(description, pid, a time.time() by which it existed) of every process the jobs recorded: attempts and grandchildren."""
    processes = []
    for path in sorted(Path(record_dir).glob("*.jsonl")):
        for number, attempt in enumerate(attempts(record_dir, path.stem), start=1):
            processes.append((f'job "{path.stem}" (attempt {number})', attempt.pid, attempt.wall))
            if attempt.grandchild is not None:
                processes.append((f'the process job "{path.stem}" started (attempt {number})', int(attempt.grandchild), attempt.wall))
    return processes


def is_alive(pid: int, existed_by: float) -> bool:
    """Whether that process still runs. A zombie (dead, not yet reaped) does not count; nor does a
    process created after `existed_by`, which only reused the pid."""
    import psutil  # here, not at the top: the job processes import this module too, and need not pay for psutil

    try:
        process = psutil.Process(pid)
        if process.create_time() > existed_by + 0.5:
            return False
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def still_alive(record_dir: str, names: list[str] | None = None, settle: float = 1.0) -> list[str]:
    """The recorded processes (of the jobs `names`, or of all jobs) still alive, as text.

    SIGKILL is delivered asynchronously, so a process killed a moment ago gets
    `settle` seconds to die before it counts as alive.
    """
    deadline = time.monotonic() + settle
    while True:
        alive = [
            f"{description}, pid {pid}"
            for description, pid, existed_by in all_processes(record_dir)
            if (names is None or any(f'"{name}"' in description for name in names)) and is_alive(pid, existed_by)
        ]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)


def kill_leftovers(record_dir: str) -> None:
    """Kills every recorded process still alive, so that no check leaves a process behind."""
    import psutil

    # A scheduler that runs jobs in threads records its own pid: never kill this process or its parents.
    protected = {os.getpid(), *(parent.pid for parent in psutil.Process().parents())}
    for _description, pid, existed_by in all_processes(record_dir):
        if pid not in protected and is_alive(pid, existed_by):
            try:
                psutil.Process(pid).kill()
            except psutil.Error:
                pass
