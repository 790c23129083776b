"""Hidden check for graceful shutdown through run_jobs.py (lab 04, job-scheduler).

Starts the learner's run_jobs.py as a subprocess on checks/shutdown_jobs.py,
sends it SIGTERM while two jobs run, and reads its exit code and JSON report.
Whatever happens, every process it or its jobs started is killed afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import jobkit

GRACE = 2.0


def _wait_for_starts(records, names, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(jobkit.attempts(records, name) for name in names):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def test_graceful_shutdown(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    report_path = tmp_path / "report.json"
    jobs_file = Path(__file__).with_name("shutdown_jobs.py")
    command = [sys.executable, "run_jobs.py", str(jobs_file), "--workers", "2", "--grace", str(GRACE), "--report", str(report_path)]
    env = {**os.environ, "SCHEDULER_LAB_RECORDS": str(records)}
    # Output to files, not pipes: processes a broken scheduler leaves behind would hold a pipe open.
    # A session of its own, so that the cleanup below can kill whatever is left of it with one killpg.
    stdout = open(tmp_path / "stdout.txt", "w", encoding="utf-8")
    stderr_path = tmp_path / "stderr.txt"
    stderr = open(stderr_path, "w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=os.getcwd(), env=env, stdout=stdout, stderr=stderr, start_new_session=True)
    try:
        if not _wait_for_starts(str(records), ["finishes", "hangs"], process, 10.0):
            if process.poll() is None:
                pytest.fail("python run_jobs.py shutdown_jobs.py --workers 2: the jobs finishes and hangs had not both started after 10 s")
            process.wait()
            err = stderr_path.read_text(encoding="utf-8", errors="replace").strip()
            tail = err.splitlines()[-1:] if err else []
            pytest.fail(
                f"python run_jobs.py shutdown_jobs.py --workers 2 exited with code {process.returncode} before the jobs "
                f"finishes and hangs had both started{': ' + tail[0] if tail else ''}"
            )
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=GRACE + 6)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"run_jobs.py did not exit within {GRACE + 6:g} s of SIGTERM (grace {GRACE:g} s). When the grace period ends, "
                "the scheduler must kill the jobs still running (hangs ignores SIGTERM: use SIGKILL) and return its report"
            )
        took = time.monotonic() - sent
        code = process.returncode
        if code < 0:
            pytest.fail(
                f"run_jobs.py was killed by {signal.Signals(-code).name}: install a handler for SIGTERM (signal.signal) "
                "that asks the scheduler to stop, so that it can finish gracefully and write its report"
            )
        assert code == 0, f"after a graceful shutdown run_jobs.py should exit with code 0, got {code}"
        assert report_path.exists(), "run_jobs.py exited without writing its report (--report)"
        report = json.loads(report_path.read_text(encoding="utf-8"))
        jobs = report.get("jobs", {}) if isinstance(report, dict) else {}
        states = {name: jobs.get(name, {}).get("state") for name in ("finishes", "hangs", "after_finishes", "queued")}
        expected = {"finishes": "succeeded", "hangs": "cancelled", "after_finishes": "cancelled", "queued": "cancelled"}
        assert states == expected, (
            f"SIGTERM came while finishes (1.2 s) and hangs (forever) ran, with a {GRACE:g} s grace period: finishes should "
            f"finish, hangs be killed at the end of the grace period, and the waiting jobs never start: expected {expected}, got {states}"
        )
        assert report.get("stopped") is True, f'the report of a stopped run should say "stopped": true, got {report.get("stopped")!r}'
        started = [name for name in ("after_finishes", "queued") if jobkit.attempts(str(records), name)]
        assert started == [], f"no job may start after SIGTERM, but these did: {started}"
        attempts = {name: jobs[name].get("attempts") for name in ("after_finishes", "queued")}
        assert attempts == {"after_finishes": 0, "queued": 0}, f"jobs that never started have 0 attempts, got {attempts}"
        assert took >= GRACE - 0.3, (
            f"run_jobs.py exited {took:.2f} s after SIGTERM: the jobs still running get the whole grace period ({GRACE:g} s) before they are killed"
        )
        alive = jobkit.still_alive(str(records))
        assert alive == [], f"after run_jobs.py exited, these processes were still alive: {alive}. A stopped scheduler leaves no process behind"
    finally:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
            process.wait()
        stdout.close()
        stderr.close()
        jobkit.kill_leftovers(str(records))
