"""Run a jobs file from the command line.

    python run_jobs.py JOBS_FILE [--workers N] [--grace SECONDS] [--report PATH]

JOBS_FILE is a Python file that defines JOBS, a list of scheduler.Job (see
example_jobs.py). Its folder is put on sys.path and it is imported by its
name, so the functions it defines can be pickled and sent to the worker
processes.

The report (every job's state, attempts, result and error) is written as
JSON to --report (default: report.json) and summarised on stdout.

SIGTERM or SIGINT (Ctrl-C) stops the run gracefully: no new job starts,
running jobs get --grace seconds to finish, then they are killed.

Exit codes: 0 when every job succeeded, or when the run was stopped by a
signal (a requested shutdown is a normal end); 1 when the run completed and
some job did not succeed; 2 when the jobs file is invalid (it cannot be
imported, has no JOBS, or its dependencies have a cycle or name no job).
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal  # noqa: F401  (signal.signal, signal.SIGTERM, signal.SIGINT)
import sys
from pathlib import Path

from scheduler import SUCCEEDED, Job, Scheduler


def load_jobs(path: str) -> list[Job]:
    """The JOBS list of a jobs file, imported by its module name."""
    file = Path(path).resolve()
    if not file.is_file() or file.suffix != ".py":
        raise ValueError(f"{path} is not a Python file")
    sys.path.insert(0, str(file.parent))
    module = importlib.import_module(file.stem)
    jobs = getattr(module, "JOBS", None)
    if not isinstance(jobs, (list, tuple)) or not all(isinstance(job, Job) for job in jobs):
        raise ValueError(f"{path} must define JOBS, a list of Job")
    return list(jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the jobs of a jobs file on a pool of worker processes.")
    parser.add_argument("jobs_file", help="a Python file that defines JOBS, a list of Job")
    parser.add_argument("--workers", type=int, default=2, help="how many jobs may run at once (default 2)")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds running jobs get to finish after SIGTERM (default 5)")
    parser.add_argument("--report", default="report.json", help="where to write the JSON report (default report.json)")
    args = parser.parse_args(argv)

    try:
        scheduler = Scheduler(load_jobs(args.jobs_file), workers=args.workers, grace=args.grace)
    except (ImportError, SyntaxError, ValueError) as error:
        print(f"run_jobs: {error}", file=sys.stderr)
        return 2

    # TODO: graceful shutdown. Install a handler for SIGTERM and SIGINT
    #       (signal.signal) that only calls scheduler.stop(): the run loop does
    #       the rest, so that the report below is still written and the exit
    #       code chosen. Without a handler, SIGTERM kills this process at once,
    #       with no report, and its jobs are left running.

    report = scheduler.run()

    Path(args.report).write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    print(report.summary())
    if report.stopped:
        return 0
    return 0 if all(job.state == SUCCEEDED for job in report.jobs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
