"""The jobs file test_shutdown.py runs with run_jobs.py, then stops with SIGTERM.

With 2 workers, "finishes" and "hangs" start at once; "after_finishes" waits
for "finishes", and "queued" waits for a free worker. The SIGTERM comes
while the first two run: "finishes" ends within the grace period on its own,
"hangs" never does (it ignores SIGTERM and has started a process of its own),
and the other two must never start.
"""

import os

import jobkit
from scheduler import Job

RECORDS = os.environ["SCHEDULER_LAB_RECORDS"]

JOBS = [
    Job("finishes", jobkit.sleeper, args=(RECORDS, "finishes", 1.2, "finished in time")),
    Job("hangs", jobkit.hang, args=(RECORDS, "hangs"), kwargs={"grandchild": True, "ignore_sigterm": True}),
    Job("after_finishes", jobkit.sleeper, args=(RECORDS, "after_finishes", 0.1), deps=["finishes"]),
    Job("queued", jobkit.sleeper, args=(RECORDS, "queued", 0.1)),
]
