"""PostgreSQL streaming replication: measurements against a primary and its hot standby.

Every function takes libpq URLs (postgresql://user:password@host:port/database) and opens its own
connections, so the checks can call each one on its own against the live pair.
"""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
from psycopg import sql

#: The synchronous_commit levels, from the weakest to the strongest.
SYNCHRONOUS_COMMIT_LEVELS = ("off", "local", "remote_write", "on", "remote_apply")

PROBE_TABLE = "replication_probe"


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """A connection with a short connect timeout, so a stopped server fails fast."""
    return psycopg.connect(url, autocommit=autocommit, connect_timeout=5)


def ensure_probe_table(primary_url: str) -> None:
    """Creates the probe table on the primary; physical replication brings it to the replica."""
    with connect(primary_url) as conn:
        conn.execute(
            f"create table if not exists {PROBE_TABLE} ("
            " id bigint generated always as identity primary key,"
            " token text not null unique,"
            " written_at timestamptz not null default clock_timestamp(),"
            " payload text)"
        )


def _new_token(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _insert_probe(conn: psycopg.Connection, token: str) -> None:
    conn.execute(f"insert into {PROBE_TABLE} (token) values (%s)", (token,))


def _visible(conn: psycopg.Connection, token: str) -> bool:
    return conn.execute(f"select 1 from {PROBE_TABLE} where token = %s", (token,)).fetchone() is not None


def _wait_for_table(replica: psycopg.Connection, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while replica.execute("select to_regclass(%s)", (PROBE_TABLE,)).fetchone()[0] is None:
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def visibility_lag(primary_url: str, replica_url: str, *, timeout_s: float = 5.0) -> float | None:
    """Seconds from a commit returning on the primary until the row is visible on the replica.

    Writes one probe row on the primary with synchronous_commit = on (the client's COMMIT returns once
    the WAL is flushed locally; with no synchronous standby it does not wait for the replica), then polls
    the replica, without sleeping, until the row is there. Returns None when the row is not visible
    within timeout_s (the replica is paused, stopped or far behind).
    """
    ensure_probe_table(primary_url)
    token = _new_token("lag")
    with connect(primary_url) as primary, connect(replica_url) as replica:
        _wait_for_table(replica, timeout_s)
        primary.execute("set synchronous_commit = on")
        _insert_probe(primary, token)  # autocommit: this returns after the commit
        committed = time.perf_counter()
        deadline = committed + timeout_s
        while True:
            if _visible(replica, token):
                return time.perf_counter() - committed
            if time.perf_counter() > deadline:
                return None


def replication_status(primary_url: str, application_name: str | None = None) -> dict | None:
    """The primary's view of one standby (pg_stat_replication), or None when it is not connected.

    replay_lag_bytes is how far the standby's *replay* is behind the primary's current WAL position:
    pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn). The *_lag_s fields are PostgreSQL's own time
    estimates, in seconds, and None (NULL) once the standby has caught up and the primary is idle.
    """
    query = (
        "select application_name, state, sync_state,"
        " sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text,"
        " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
        " extract(epoch from write_lag)::float8, extract(epoch from flush_lag)::float8,"
        " extract(epoch from replay_lag)::float8"
        " from pg_stat_replication"
        " where (%(name)s::text is null or application_name = %(name)s::text)"
        " order by application_name limit 1"
    )
    with connect(primary_url) as conn:
        row = conn.execute(query, {"name": application_name}).fetchone()
    if row is None:
        return None
    keys = ("application_name", "state", "sync_state", "sent_lsn", "write_lsn", "flush_lsn", "replay_lsn",
            "replay_lag_bytes", "write_lag_s", "flush_lag_s", "replay_lag_s")
    status = dict(zip(keys, row))
    status["replay_lag_bytes"] = int(status["replay_lag_bytes"])
    return status


def replica_read_after_commit(primary_url: str, replica_url: str, synchronous_commit: str) -> bool:
    """Commits one probe row on the primary with this synchronous_commit, then reads it on the replica
    once, at once (no retry, no sleep). True when the replica already shows it."""
    if synchronous_commit not in SYNCHRONOUS_COMMIT_LEVELS:
        raise ValueError(f"unknown synchronous_commit level {synchronous_commit!r}")
    ensure_probe_table(primary_url)
    token = _new_token(f"ryw-{synchronous_commit}")
    with connect(primary_url) as primary, connect(replica_url) as replica:
        _wait_for_table(replica, 5.0)
        primary.execute("select set_config('synchronous_commit', %s, false)", (synchronous_commit,))
        _insert_probe(primary, token)
        return _visible(replica, token)


def replica_write_error(replica_url: str) -> str | None:
    """Tries to write on the replica; returns the SQLSTATE of the error, or None if the write worked."""
    with connect(replica_url) as conn:
        try:
            conn.execute("create table replica_write_attempt (id int)")
        except psycopg.Error as error:
            return error.sqlstate
    return None


def standby_name(primary_url: str) -> str:
    """The application_name the standby connects with (what synchronous_standby_names must name)."""
    status = replication_status(primary_url)
    if status is None:
        raise RuntimeError("no standby is connected to the primary (pg_stat_replication is empty)")
    return status["application_name"]


def set_synchronous_standby(primary_url: str, names: str, *, timeout_s: float = 15.0) -> None:
    """Sets synchronous_standby_names on the primary (ALTER SYSTEM + reload) and waits until it applies:
    the standby shows sync_state 'sync' (or 'async' when names is empty) and new sessions see the value."""
    with connect(primary_url) as conn:
        if names:
            conn.execute(sql.SQL("alter system set synchronous_standby_names = {}").format(sql.Literal(names)))
        else:
            conn.execute("alter system reset synchronous_standby_names")
        conn.execute("select pg_reload_conf()")
    wanted = "sync" if names else "async"
    deadline = time.monotonic() + timeout_s
    while True:
        with connect(primary_url) as conn:
            setting = conn.execute("show synchronous_standby_names").fetchone()[0]
            state = conn.execute("select sync_state from pg_stat_replication order by application_name limit 1").fetchone()
        if setting == names and state is not None and state[0] == wanted:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"synchronous_standby_names = {names!r} did not take effect within {timeout_s} s")
        time.sleep(0.05)
    # The checkpointer publishes the new setting to committing backends a moment after the reload.
    time.sleep(1.0 if names else 0.1)


def pause_replay(replica_url: str) -> None:
    with connect(replica_url) as conn:
        conn.execute("select pg_wal_replay_pause()")


def resume_replay(replica_url: str) -> None:
    with connect(replica_url) as conn:
        conn.execute("select pg_wal_replay_resume()")


def commit_while_replay_paused(primary_url: str, replica_url: str, synchronous_commit: str, *, wait_s: float = 1.0) -> dict:
    """The experiment that separates the levels: with the replica's replay paused (WAL still arrives and
    is flushed, but is not applied), commit one row with this level and see whether COMMIT returns within
    wait_s and whether the replica shows the row while paused. Replay is resumed before returning, and the
    commit is then waited for."""
    ensure_probe_table(primary_url)
    token = _new_token(f"paused-{synchronous_commit}")
    with connect(replica_url) as replica:
        _wait_for_table(replica, 5.0)
    writer = connect(primary_url, autocommit=False)
    done = threading.Event()
    failure: list[BaseException] = []

    def commit() -> None:
        try:
            writer.commit()
        except BaseException as error:  # reported below, in the caller's thread
            failure.append(error)
        finally:
            done.set()

    try:
        writer.execute("select set_config('synchronous_commit', %s, false)", (synchronous_commit,))
        _insert_probe(writer, token)
        pause_replay(replica_url)
        try:
            thread = threading.Thread(target=commit, daemon=True)
            thread.start()
            returned = done.wait(wait_s)
            with connect(replica_url) as replica:
                visible_while_paused = _visible(replica, token)
        finally:
            resume_replay(replica_url)
        done.wait(30)
        if failure:
            raise failure[0]
        return {"commit_returned_while_replay_paused": returned, "visible_on_replica_while_paused": visible_while_paused}
    finally:
        writer.close()


def timeline(url: str) -> int:
    """The server's current timeline: the primary's, or on a standby the one it receives."""
    with connect(url) as conn:
        if conn.execute("select pg_is_in_recovery()").fetchone()[0]:
            row = conn.execute("select received_tli from pg_stat_wal_receiver").fetchone()
            if row is not None and row[0] is not None:
                return int(row[0])
        return int(conn.execute("select timeline_id from pg_control_checkpoint()").fetchone()[0])


def in_recovery(url: str) -> bool:
    with connect(url) as conn:
        return bool(conn.execute("select pg_is_in_recovery()").fetchone()[0])


def write_load(primary_url: str, *, rows: int = 20000, payload_bytes: int = 200) -> None:
    """Writes rows * payload_bytes of probe rows in one transaction: enough WAL to see replay fall behind."""
    ensure_probe_table(primary_url)
    with connect(primary_url) as conn:
        conn.execute(
            f"insert into {PROBE_TABLE} (token, payload)"
            " select %s || g, repeat('x', %s) from generate_series(1, %s) g",
            (_new_token("load") + "-", payload_bytes, rows),
        )
