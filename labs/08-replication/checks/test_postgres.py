"""Hidden checks for the PostgreSQL half: they call the learner's pg_replication functions against the live
primary and replica, and re-measure every claim of report.json there.

Deterministic by construction: where visibility on the replica matters, the checks pause the replica's WAL
replay (pg_wal_replay_pause) so that "not yet applied" is certain, not a race. Every test leaves the pair
as it found it: replay resumed, synchronous_standby_names reset.
"""

import json
import os
import re
import statistics
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

PRIMARY = os.environ.get("DELABS_SERVICE_POSTGRES_PRIMARY_URL", "postgresql://lab:lab@127.0.0.1:54308/lab")
REPLICA = os.environ.get("DELABS_SERVICE_POSTGRES_REPLICA_URL", "postgresql://lab:lab@127.0.0.1:54318/lab")
LEVELS = ("off", "local", "remote_write", "on", "remote_apply")
NO_LOSS_LEVELS = {"remote_write", "on", "remote_apply"}
PROBE = "replication_probe"


def connect(url, autocommit=True):
    return psycopg.connect(url, autocommit=autocommit, connect_timeout=5)


def one(url, query, params=None):
    with connect(url) as conn:
        row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def standby_name():
    name = one(PRIMARY, "select application_name from pg_stat_replication where state = 'streaming' order by 1 limit 1")
    assert name is not None, "no replica is streaming from the primary (pg_stat_replication is empty): start both services"
    return name


def set_standby_names(names):
    with connect(PRIMARY) as conn:
        if names:
            conn.execute(sql.SQL("alter system set synchronous_standby_names = {}").format(sql.Literal(names)))
        else:
            conn.execute("alter system reset synchronous_standby_names")
        conn.execute("select pg_reload_conf()")
    wanted = "sync" if names else "async"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if one(PRIMARY, "show synchronous_standby_names") == names and one(PRIMARY, "select sync_state from pg_stat_replication order by application_name limit 1") == wanted:
            # The checkpointer tells committing backends a moment after the walsender shows 'sync'.
            time.sleep(1.0 if names else 0.1)
            return
        time.sleep(0.05)
    raise AssertionError(f"the checks could not set synchronous_standby_names = {names!r} on the primary within 15 s")


def replay_paused():
    return one(REPLICA, "select pg_get_wal_replay_pause_state() <> 'not paused'")


@pytest.fixture(autouse=True)
def clean_pair():
    """Each test starts and ends with replay running and asynchronous replication."""
    with connect(REPLICA) as conn:
        conn.execute("select pg_wal_replay_resume()")
    set_standby_names("")
    with connect(PRIMARY) as conn:
        conn.execute(
            f"create table if not exists {PROBE} (id bigint generated always as identity primary key,"
            " token text not null unique, written_at timestamptz not null default clock_timestamp(), payload text)"
        )
    deadline = time.monotonic() + 10
    while one(REPLICA, "select to_regclass(%s)", (PROBE,)) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    yield
    with connect(REPLICA) as conn:
        conn.execute("select pg_wal_replay_resume()")
    set_standby_names("")


class Paused:
    """Replay paused on the replica for the block; WAL still arrives and is flushed there."""

    def __enter__(self):
        with connect(REPLICA) as conn:
            conn.execute("select pg_wal_replay_pause()")
        return self

    def __exit__(self, *exc):
        with connect(REPLICA) as conn:
            conn.execute("select pg_wal_replay_resume()")


def run_in_thread(function, *args):
    """Starts function(*args) in a thread; returns (done event, result list, error list)."""
    done, result, error = threading.Event(), [], []

    def target():
        try:
            result.append(function(*args))
        except BaseException as exc:  # reported by the test
            error.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, daemon=True).start()
    return done, result, error


def check_commit_while_paused(level):
    """The checks' own experiment: commit with `level` while replay is paused. Did COMMIT return within 1 s,
    and was the row on the replica while paused?"""
    token = f"check-{level}-{uuid.uuid4().hex}"
    writer = connect(PRIMARY, autocommit=False)
    try:
        writer.execute("select set_config('synchronous_commit', %s, false)", (level,))
        writer.execute(f"insert into {PROBE} (token) values (%s)", (token,))
        with Paused():
            done, _, error = run_in_thread(writer.commit)
            returned = done.wait(1.0)
            visible = one(REPLICA, f"select count(*) from {PROBE} where token = %s", (token,)) == 1
        assert done.wait(30), f"COMMIT with synchronous_commit = {level} did not return within 30 s of resuming replay"
        assert not error, f"COMMIT with synchronous_commit = {level} failed: {error[0]}"
        return returned, visible
    finally:
        writer.close()


def load_report():
    path = Path("report.json")
    assert path.exists(), "report.json is missing from the lab folder: run python measure.py to write it"
    try:
        report = json.loads(path.read_text())
    except ValueError as error:
        raise AssertionError(f"report.json is not valid JSON: {error}") from None
    section = report.get("postgres")
    assert isinstance(section, dict), "report.json has no \"postgres\" object: run python measure.py --only postgres"
    return section


def field(section, path):
    value = section
    for key in path.split("."):
        assert isinstance(value, dict) and key in value, f"report.json has no postgres.{path}"
        value = value[key]
    return value


def learner():
    import pg_replication

    return pg_replication


def check_lag_once():
    token = f"check-lag-{uuid.uuid4().hex}"
    with connect(PRIMARY) as primary, connect(REPLICA) as replica:
        primary.execute("set synchronous_commit = on")
        primary.execute(f"insert into {PROBE} (token) values (%s)", (token,))
        start = time.perf_counter()
        while replica.execute(f"select 1 from {PROBE} where token = %s", (token,)).fetchone() is None:
            if time.perf_counter() - start > 5:
                raise AssertionError("the checks' own probe row did not reach the replica within 5 s")
        return time.perf_counter() - start


# --- pg-replica-read-only ---------------------------------------------------------------------------------

def test_replica_read_only():
    pgr = learner()
    live_state = None
    with connect(REPLICA) as conn:
        try:
            conn.execute("create table check_replica_write (id int)")
        except psycopg.Error as error:
            live_state = error.sqlstate
    assert live_state == "25006", f"the replica accepted a write (SQLSTATE {live_state}); is DELABS_SERVICE_POSTGRES_REPLICA_URL the replica?"
    got = pgr.replica_write_error(REPLICA)
    assert got == live_state, f"replica_write_error(replica) returned {got!r}; a write on the replica fails with SQLSTATE {live_state!r} (read_only_sql_transaction)"
    section = load_report()
    claimed = field(section, "replica_write_sqlstate")
    assert claimed == live_state, f"report.json says postgres.replica_write_sqlstate = {claimed!r}; the live replica refuses writes with {live_state!r}"
    for key, url in (("primary_in_recovery", PRIMARY), ("replica_in_recovery", REPLICA)):
        live = one(url, "select pg_is_in_recovery()")
        assert field(section, key) is live, f"report.json says postgres.{key} = {field(section, key)!r}; pg_is_in_recovery() there is {live!r}"
    live_timeline = one(PRIMARY, "select timeline_id from pg_control_checkpoint()")
    assert field(section, "timeline") == live_timeline, f"report.json says postgres.timeline = {field(section, 'timeline')!r}; the primary is on timeline {live_timeline}"
    got_timeline = pgr.timeline(REPLICA)
    assert got_timeline == live_timeline, f"timeline(replica) returned {got_timeline!r}; the replica streams timeline {live_timeline} (pg_stat_wal_receiver.received_tli)"


# --- pg-lag-live ------------------------------------------------------------------------------------------

def test_visibility_lag_live():
    pgr = learner()
    before = one(PRIMARY, f"select count(*) from {PROBE}")
    lag = pgr.visibility_lag(PRIMARY, REPLICA, timeout_s=5.0)
    assert isinstance(lag, float) and 0 < lag < 5, f"visibility_lag(primary, replica) with replay running returned {lag!r}; expected the seconds until the row showed on the replica, a float between 0 and 5"
    after = one(PRIMARY, f"select count(*) from {PROBE}")
    assert after > before, f"visibility_lag wrote no row into {PROBE} on the primary ({before} rows before, {after} after)"
    with Paused():
        started = time.monotonic()
        paused_lag = pgr.visibility_lag(PRIMARY, REPLICA, timeout_s=1.0)
        took = time.monotonic() - started
    assert paused_lag is None, (
        f"with the replica's replay paused, visibility_lag(primary, replica, timeout_s=1.0) returned {paused_lag!r} instead of None: "
        "the row cannot be visible on a paused replica, so the function reads somewhere else (the primary?) or does not wait for the row itself"
    )
    assert took >= 0.9, f"with replay paused, visibility_lag(timeout_s=1.0) gave up after {took:.2f} s; it should poll until timeout_s has passed"


# --- pg-lag-report ----------------------------------------------------------------------------------------

def test_lag_report():
    lag = field(load_report(), "lag")
    samples = lag.get("samples_ms")
    assert isinstance(samples, list) and len(samples) >= 20, f"report.json postgres.lag.samples_ms should hold at least 20 measurements; it holds {samples if not isinstance(samples, list) else len(samples)!r}"
    assert all(isinstance(sample, (int, float)) and not isinstance(sample, bool) and sample > 0 for sample in samples), (
        "every postgres.lag.samples_ms entry must be a positive number of milliseconds; "
        f"found {[sample for sample in samples if not isinstance(sample, (int, float)) or isinstance(sample, bool) or sample <= 0][:5]!r}"
    )
    median = lag.get("median_ms")
    assert isinstance(median, (int, float)) and abs(median - statistics.median(samples)) <= max(0.01, 0.01 * statistics.median(samples)), (
        f"postgres.lag.median_ms is {median!r}, but the median of samples_ms is {statistics.median(samples):.3f}"
    )
    p95 = lag.get("p95_ms")
    assert isinstance(p95, (int, float)) and median <= p95 <= max(samples), f"postgres.lag.p95_ms is {p95!r}; it must lie between the median ({median}) and the largest sample ({max(samples)})"
    ours = statistics.median(check_lag_once() * 1000 for _ in range(15))
    assert median <= max(50 * ours, ours + 100), f"postgres.lag.median_ms is {median} ms, but the checks measure a median of {ours:.2f} ms on this pair: far more than write-then-poll gives"
    assert median >= ours / 50, f"postgres.lag.median_ms is {median} ms, but the checks measure a median of {ours:.2f} ms on this pair: far too little for a read on the replica"
    assert lag.get("replay_lag_when_idle_ms", "missing") is None, (
        f"postgres.lag.replay_lag_when_idle_ms is {lag.get('replay_lag_when_idle_ms', 'missing')!r}; after 10+ s without writes pg_stat_replication.replay_lag is NULL (null): "
        "a caught-up, idle standby has no lag to estimate, which is why it cannot measure lag on its own"
    )


# --- pg-lag-bytes-live ------------------------------------------------------------------------------------

def test_lag_bytes_live():
    pgr = learner()
    name = standby_name()
    status = pgr.replication_status(PRIMARY, name)
    assert isinstance(status, dict), f"replication_status(primary, {name!r}) returned {status!r}; expected a dict"
    for key, want in (("application_name", name), ("state", "streaming"), ("sync_state", "async")):
        assert status.get(key) == want, f"replication_status(primary, {name!r})[{key!r}] is {status.get(key)!r}; pg_stat_replication says {want!r}"
    idle_bytes = status.get("replay_lag_bytes")
    assert isinstance(idle_bytes, int) and 0 <= idle_bytes < 1_000_000, f"replication_status(...)['replay_lag_bytes'] on a caught-up replica is {idle_bytes!r}; expected a small int of bytes"
    with Paused():
        with connect(PRIMARY) as conn:
            conn.execute(f"insert into {PROBE} (token, payload) select %s || g, repeat('y', 200) from generate_series(1, 5000) g", (f"check-load-{uuid.uuid4().hex}-",))
            behind = int(one(PRIMARY, "select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) from pg_stat_replication where application_name = %s", (name,)))
        deadline = time.monotonic() + 10
        while one(PRIMARY, "select pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn) from pg_stat_replication where application_name = %s", (name,)) > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        paused = pgr.replication_status(PRIMARY, name)
    got = paused.get("replay_lag_bytes") if isinstance(paused, dict) else paused
    assert isinstance(got, int) and got >= 0.9 * behind, (
        f"with replay paused after about {behind} bytes of WAL (the replica has received and flushed them, not replayed them), "
        f"replication_status(...)['replay_lag_bytes'] is {got!r}; it must measure how far *replay* is behind: pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
    )
    claimed = field(load_report(), "lag_bytes_under_load")
    assert isinstance(claimed, int) and not isinstance(claimed, bool) and claimed > 0, f"report.json postgres.lag_bytes_under_load is {claimed!r}; measured under load (replay behind), it is a positive number of bytes"


# --- pg-read-your-writes-live -----------------------------------------------------------------------------

def test_read_after_commit_live():
    pgr = learner()
    name = standby_name()
    with Paused():
        done, result, error = run_in_thread(pgr.replica_read_after_commit, PRIMARY, REPLICA, "on")
        assert done.wait(10), "replica_read_after_commit(primary, replica, 'on') did not return within 10 s while replay was paused; with synchronous_commit = on and no synchronous standby, COMMIT does not wait for the replica"
    assert not error, f"replica_read_after_commit(primary, replica, 'on') raised {error[0]!r}"
    assert result[0] is False, (
        f"with the replica's replay paused, replica_read_after_commit(primary, replica, 'on') returned {result[0]!r}: the row cannot be on a paused replica, "
        "so the read went somewhere else (the primary?) or was retried until replay resumed"
    )
    set_standby_names(name)
    with Paused():
        done, result, error = run_in_thread(pgr.replica_read_after_commit, PRIMARY, REPLICA, "remote_apply")
        returned = done.wait(1.0)
    assert done.wait(30), "replica_read_after_commit(primary, replica, 'remote_apply') did not return within 30 s of resuming replay"
    assert not error, f"replica_read_after_commit(primary, replica, 'remote_apply') raised {error[0]!r}"
    assert not returned, (
        f"with synchronous_standby_names = '{name}' and replay paused, replica_read_after_commit(..., 'remote_apply') returned within 1 s: "
        "its COMMIT did not wait for the standby to apply it, so the session did not really use synchronous_commit = remote_apply"
    )
    assert result[0] is True, f"replica_read_after_commit(..., 'remote_apply') returned {result[0]!r} after its COMMIT waited for replay; the replica has the row by then"


# --- pg-read-your-writes-claims ---------------------------------------------------------------------------

def test_read_your_writes_claims():
    section = load_report()
    table = field(section, "synchronous_commit")
    assert isinstance(table, dict) and set(table) == set(LEVELS), f"report.json postgres.synchronous_commit must have exactly the levels {list(LEVELS)}; it has {sorted(table) if isinstance(table, dict) else table!r}"
    set_standby_names(standby_name())
    problems = []
    for level in LEVELS:
        claim = table[level]
        returned, visible = check_commit_while_paused(level)
        for key, live in (("commit_returned_while_replay_paused", returned), ("visible_on_replica_while_paused", visible)):
            if claim.get(key) is not live:
                problems.append(f"{level}: {key} is {claim.get(key)!r}, live it is {live}")
        guaranteed = not returned  # only a COMMIT that waits for replay guarantees the replica has the row
        if claim.get("read_your_writes_on_replica") is not guaranteed:
            how = "its COMMIT waits until the standby has applied it" if guaranteed else "its COMMIT returned while replay was paused, and the row was not on the replica"
            problems.append(f"{level}: read_your_writes_on_replica is {claim.get('read_your_writes_on_replica')!r}, but it is {guaranteed}: {how}")
    set_standby_names("")
    returned, _ = check_commit_while_paused("remote_apply")
    without = field(section, "remote_apply_without_synchronous_standby_names")
    if without.get("read_your_writes_on_replica") is not (not returned):
        problems.append(
            f"remote_apply_without_synchronous_standby_names.read_your_writes_on_replica is {without.get('read_your_writes_on_replica')!r}, "
            f"but with synchronous_standby_names empty COMMIT {'returned' if returned else 'waited'} while replay was paused"
        )
    assert not problems, "report.json's read-your-writes claims do not hold on the live pair (synchronous_standby_names set to the replica, replay paused during each COMMIT):\n" + "\n".join(problems)


# --- pg-failover-claims -----------------------------------------------------------------------------------

def test_failover_claims():
    failover = field(load_report(), "failover")
    live_timeline = one(PRIMARY, "select timeline_id from pg_control_checkpoint()")
    assert failover.get("timeline_after_promotion") == live_timeline + 1, (
        f"postgres.failover.timeline_after_promotion is {failover.get('timeline_after_promotion')!r}; the pair is on timeline {live_timeline}, and pg_promote() starts a new one"
    )
    assert failover.get("promoted_replica_in_recovery") is False, f"postgres.failover.promoted_replica_in_recovery is {failover.get('promoted_replica_in_recovery')!r}; what does pg_is_in_recovery() return once recovery has ended?"
    levels = failover.get("no_loss_levels")
    assert isinstance(levels, list) and set(levels) <= set(LEVELS), f"postgres.failover.no_loss_levels must be a list of synchronous_commit levels; it is {levels!r}"
    missing, extra = sorted(NO_LOSS_LEVELS - set(levels), key=LEVELS.index), sorted(set(levels) - NO_LOSS_LEVELS, key=LEVELS.index)
    assert not missing and not extra, (
        f"postgres.failover.no_loss_levels is {levels!r}: "
        + (f"{extra} acknowledge a commit before the standby has received its WAL, so promoting the standby can lose it. " if extra else "")
        + (f"{missing} acknowledge only once the synchronous standby holds the WAL (in its OS, flushed or applied), so the promoted standby has it. " if missing else "")
    )
