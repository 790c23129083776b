"""An example jobs file: a small nightly ETL, to try your scheduler by hand.

    python run_jobs.py example_jobs.py --workers 2
    python run_jobs.py example_jobs.py --workers 2 --grace 3   # then press Ctrl-C while it runs

Job functions live at the top level of a module so that they can be pickled
and sent to a worker process; so must their arguments and return values.
"""

from __future__ import annotations

import random
import sys
import time

from scheduler import Job


def extract(table: str, seconds: float) -> int:
    """Pretend to copy a table from the source database; returns a row count."""
    time.sleep(seconds)
    return len(table) * 1000


def flaky_api(seconds: float) -> str:
    """Fails about half the time, like a rate-limited API: retry it."""
    time.sleep(seconds)
    if random.random() < 0.5:
        raise ConnectionError("HTTP 429 Too Many Requests")
    return "200 OK"


def crunch(n: int) -> int:
    """CPU-bound work: in a process it has a core of its own; in a thread it would share one."""
    return sum(i * i % 7 for i in range(n))


JOBS = [
    Job("extract_orders", extract, args=("orders", 1.0)),
    Job("extract_customers", extract, args=("customers", 0.5)),
    Job("fetch_rates", flaky_api, args=(0.2,), max_attempts=4, backoff=0.5),
    Job("aggregate", crunch, args=(3_000_000,), deps=["extract_orders", "extract_customers"]),
    Job("convert_currency", crunch, args=(1_000_000,), deps=["aggregate", "fetch_rates"], timeout=10),
    # A command job: argv, no shell. It succeeds when it exits with code 0.
    Job("publish", [sys.executable, "-c", "print('published')"], deps=["convert_currency"]),
]
