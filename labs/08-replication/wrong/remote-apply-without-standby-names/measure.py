"""Runs the replication experiments and writes report.json.

    python measure.py                 # both halves
    python measure.py --only postgres # the PostgreSQL half (primary and replica)
    python measure.py --only mongodb  # the MongoDB half (the three-member replica set)

The endpoints come from the same variables the checks use, with the lab's compose.yaml ports as defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import pg_replication as pg

PRIMARY_URL = os.environ.get("DELABS_SERVICE_POSTGRES_PRIMARY_URL", "postgresql://lab:lab@127.0.0.1:54308/lab")
REPLICA_URL = os.environ.get("DELABS_SERVICE_POSTGRES_REPLICA_URL", "postgresql://lab:lab@127.0.0.1:54318/lab")
MONGO_URLS = [
    os.environ.get("DELABS_SERVICE_MONGO1_URL", "mongodb://127.0.0.1:27081"),
    os.environ.get("DELABS_SERVICE_MONGO2_URL", "mongodb://127.0.0.1:27082"),
    os.environ.get("DELABS_SERVICE_MONGO3_URL", "mongodb://127.0.0.1:27083"),
]
LAG_SAMPLES = 50
REPORT = Path(__file__).with_name("report.json")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def lag_summary(samples_s: list[float]) -> dict:
    samples_ms = [round(sample * 1000, 3) for sample in samples_s]
    return {
        "method": "write-then-poll",
        "samples_ms": samples_ms,
        "median_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "max_ms": max(samples_ms),
    }


def measure_postgres() -> dict:
    pg.ensure_probe_table(PRIMARY_URL)
    pg.set_synchronous_standby(PRIMARY_URL, "")  # start from asynchronous replication
    try:
        name = pg.standby_name(PRIMARY_URL)

        # Lag: write on the primary, poll the replica. pg_stat_replication's own estimate is NULL when idle.
        samples = []
        for _ in range(LAG_SAMPLES):
            lag = pg.visibility_lag(PRIMARY_URL, REPLICA_URL)
            if lag is None:
                raise RuntimeError("a probe row did not reach the replica within 5 s: is it streaming?")
            samples.append(lag)
        lag = lag_summary(samples)
        time.sleep(12)  # longer than wal_receiver_status_interval (10 s): the standby reports it is idle
        idle = pg.replication_status(PRIMARY_URL, name)
        lag["replay_lag_when_idle_ms"] = None if idle["replay_lag_s"] is None else round(idle["replay_lag_s"] * 1000, 3)

        # Lag in bytes: with replay paused during a bulk write, the standby falls measurably behind.
        pg.pause_replay(REPLICA_URL)
        try:
            pg.write_load(PRIMARY_URL)
            lag_bytes = pg.replication_status(PRIMARY_URL, name)["replay_lag_bytes"]
        finally:
            pg.resume_replay(REPLICA_URL)

        # Read-your-writes on the replica, level by level, with a synchronous standby configured.
        levels = {}
        for level in pg.SYNCHRONOUS_COMMIT_LEVELS:
            paused = pg.commit_while_replay_paused(PRIMARY_URL, REPLICA_URL, level)
            trials = [pg.replica_read_after_commit(PRIMARY_URL, REPLICA_URL, level) for _ in range(20)]
            # A guarantee is not "it happened to be visible every time": only a commit that waits for the
            # standby to *replay* (it did not return while replay was paused) guarantees it.
            guaranteed = not paused["commit_returned_while_replay_paused"] and all(trials)
            levels[level] = {**paused, "trials": len(trials), "visible_right_after_commit": sum(trials), "read_your_writes_on_replica": guaranteed}

        # remote_apply is only as strong as synchronous_standby_names: with it empty, nobody is waited for.
        pg.set_synchronous_standby(PRIMARY_URL, "")
        paused = pg.commit_while_replay_paused(PRIMARY_URL, REPLICA_URL, "remote_apply")
        without_standby = {**paused, "read_your_writes_on_replica": not paused["commit_returned_while_replay_paused"]}

        current_timeline = pg.timeline(PRIMARY_URL)
        return {
            "replica_application_name": name,
            "primary_in_recovery": pg.in_recovery(PRIMARY_URL),
            "replica_in_recovery": pg.in_recovery(REPLICA_URL),
            "replica_write_sqlstate": pg.replica_write_error(REPLICA_URL),
            "timeline": current_timeline,
            "replica_timeline": pg.timeline(REPLICA_URL),
            "lag": lag,
            "lag_bytes_under_load": lag_bytes,
            "synchronous_commit": levels,
            "remote_apply_without_synchronous_standby_names": without_standby,
            "failover": {
                # pg_promote() ends recovery and starts a new timeline: the history forks here.
                "timeline_after_promotion": current_timeline + 1,
                "promoted_replica_in_recovery": False,
                # An acknowledged commit survives losing the primary when the promoted standby had it:
                # written to its OS (remote_write), flushed (on) or applied (remote_apply).
                "no_loss_levels": ["remote_write", "on", "remote_apply"],
            },
        }
    finally:
        pg.set_synchronous_standby(PRIMARY_URL, "")


def measure_mongodb() -> dict:
    import mongo_replication as mongo

    status = mongo.replica_set_status(MONGO_URLS)
    samples = []
    for _ in range(LAG_SAMPLES):
        lag = mongo.visibility_lag(MONGO_URLS)
        if lag is None:
            raise RuntimeError("a probe document did not reach a secondary within 5 s")
        samples.append(lag)
    lag = lag_summary(samples)
    lag["max_optime_lag_s"] = status["max_secondary_lag_s"]
    read_your_writes = {name: all(mongo.read_after_write(MONGO_URLS, **settings) for _ in range(10)) and mongo.GUARANTEED[name]
                        for name, settings in mongo.READ_SETTINGS.items()}
    failover = mongo.step_down_and_time_election(MONGO_URLS)
    return {
        "set_name": status["set_name"],
        "members": len(status["members"]),
        "lag": lag,
        "read_your_writes": read_your_writes,
        "failover": {
            **failover,
            # w:1 is acknowledged by the primary alone: if it fails before a secondary copies the write,
            # the new primary never had it and the old one rolls it back when it rejoins.
            "w1_acknowledged_can_roll_back": True,
            "majority_acknowledged_can_roll_back": False,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["postgres", "mongodb"])
    args = parser.parse_args()
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report["schema"] = 1
    if args.only in (None, "postgres"):
        report["postgres"] = measure_postgres()
    if args.only in (None, "mongodb"):
        report["mongodb"] = measure_mongodb()
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
