"""Hidden checks for planner.py (lab 06, query-planner): statistics, row estimates, costs, access paths.

Run with the learner's lab folder as the working directory and on PYTHONPATH, after checkSetup has
loaded shop.orders (checks/orders.sql), the learner's indexes.sql and checks/growth.sql. Every
expected number comes from the server the check talks to, at check time: pg_class, pg_stats and
EXPLAIN. Nothing here is a hard-coded plan.
"""

from __future__ import annotations

import math
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal

import psycopg
import pytest

import planner

TABLE = "shop.orders"
UTC = timezone.utc
# Tolerances. The model of the brief reproduces PostgreSQL's arithmetic (the only terms it leaves
# out, the equality corrections at histogram bucket edges, are far below 1 %), so a right solution
# lands within a row and a cent. Every mistake the lab guards against is off by 15 % or more.
ROWS_TOLERANCE = 0.10  # or 1 row, whichever is larger
SEQ_COST_TOLERANCE = 0.05
INDEX_COST_TOLERANCE = 0.10
# Below this gap between the two paths' costs the choice is a coin toss for any model (PostgreSQL
# itself treats paths within 1 % as equal), so the choice is compared only above it.
CLEAR_CHOICE = 0.10


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def conn():
    url = os.environ.get("DELABS_SERVICE_POSTGRES_URL")
    assert url, "the check needs the lab's PostgreSQL: DELABS_SERVICE_POSTGRES_URL is not set"
    # No automatic prepared statements: the embedded PostgreSQL shares one session between its
    # connections, where psycopg's statement names would collide from one run to the next.
    connection = psycopg.connect(url, autocommit=True, prepare_threshold=None)
    connection.execute("deallocate all")
    try:
        yield connection
    finally:
        connection.close()


def _more_queries():
    """Queries beyond the brief's five, with the constants the learner has not tuned for."""
    Q, C, N = planner.Query, planner.Compare, planner.IsNull
    return {
        "status = cancelled": Q(TABLE, (C("status", "=", "cancelled"),)),
        "channel = phone": Q(TABLE, (C("channel", "=", "phone"),)),
        "coupon_code = PROMO12": Q(TABLE, (C("coupon_code", "=", "PROMO12"),)),
        "customer_id = 2": Q(TABLE, (C("customer_id", "=", 2),)),
        "customer_id = 1234": Q(TABLE, (C("customer_id", "=", 1234),)),
        "postcode = 11891": Q(TABLE, (C("postcode", "=", "11891"),)),
        "amount < 20": Q(TABLE, (C("amount", "<", Decimal("20")),)),
        "amount >= 300": Q(TABLE, (C("amount", ">=", Decimal("300")),)),
        "50 < amount <= 80": Q(TABLE, (C("amount", ">", Decimal("50")), C("amount", "<=", Decimal("80")))),
        "created in March": Q(TABLE, (C("created_at", ">=", _at("2025-03-01")), C("created_at", "<", _at("2025-04-01")))),
        "shipped after 1 June": Q(TABLE, (C("shipped_at", ">", _at("2025-06-01")),)),
        "shipped before 15 February": Q(TABLE, (C("shipped_at", "<", _at("2025-02-15")),)),
        "shipped on 10 April": Q(TABLE, (C("shipped_at", ">=", _at("2025-04-10")), C("shipped_at", "<", _at("2025-04-11")))),
        "shipped_at is null": Q(TABLE, (N("shipped_at"),)),
        "customer_id is null": Q(TABLE, (N("customer_id"),)),
        "customer 1234, delivered": Q(TABLE, (C("customer_id", "=", 1234), C("status", "=", "delivered"))),
        "customer 3 by phone": Q(TABLE, (C("customer_id", "=", 3), C("channel", "=", "phone"))),
        "web, shipped 3 to 10 March": Q(TABLE, (
            C("shipped_at", ">=", _at("2025-03-03")), C("shipped_at", "<", _at("2025-03-10")), C("channel", "=", "web"))),
        "amount < 10, no coupon": Q(TABLE, (C("amount", "<", Decimal("10")), N("coupon_code"))),
        "order_id 5000 to 5599": Q(TABLE, (C("order_id", ">=", 5000), C("order_id", "<", 5600))),
    }


def _plan(conn, sql: str, settings: dict) -> dict:
    """The top plan node of EXPLAIN, with `settings` in force for this statement only."""
    # Rolled back (to a savepoint, inside a caller's transaction), so the settings do not outlive it.
    with conn.transaction(force_rollback=True):
        for name, value in settings.items():
            conn.execute(f"select set_config('{name}', '{value}', true)")
        return conn.execute("explain (format json) " + sql).fetchone()[0][0]["Plan"]


def _literal(value) -> str:
    if isinstance(value, datetime):
        return "'" + value.isoformat(sep=" ") + "'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def _sql(query) -> str:
    """The query as SQL, built here from its parts, so the checks never depend on the learner's sql()."""
    conditions = []
    for predicate in query.where:
        if isinstance(predicate, planner.IsNull):
            conditions.append(f"{predicate.column} is null")
        else:
            conditions.append(f"{predicate.column} {predicate.op} {_literal(predicate.value)}")
    return f"select * from {query.table} where " + " and ".join(conditions)


class PostgresView:
    """What PostgreSQL says about one query: its rows, each path's cost, and its choice."""

    def __init__(self, conn, query, settings: dict | None = None):
        base = {"enable_bitmapscan": "off", "enable_indexonlyscan": "off", **(settings or {})}
        sql = _sql(query)
        chosen = _plan(conn, sql, base)
        seq = _plan(conn, sql, {**base, "enable_indexscan": "off"})
        index = _plan(conn, sql, {**base, "enable_seqscan": "off"})
        self.sql = sql
        self.rows = chosen["Plan Rows"]
        self.access_path = chosen["Node Type"]
        self.cost = chosen["Total Cost"]
        self.seq_scan_cost = seq["Total Cost"]
        has_index = index["Node Type"] == "Index Scan"
        self.index_scan_cost = index["Total Cost"] if has_index else None
        self.index_name = index.get("Index Name") if has_index else None

    def clear_choice(self) -> bool:
        if self.index_scan_cost is None:
            return True
        low, high = sorted((self.seq_scan_cost, self.index_scan_cost))
        return high > low * (1 + CLEAR_CHOICE)


def _cost(value) -> str:
    """A cost the learner returned, with two decimals as EXPLAIN shows it (anything else as it is)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:.2f}"
    return repr(value)


def _rows(n) -> str:
    return f"{n!r} row" if n == 1 else f"{n!r} rows"


def _estimate(conn, name, query):
    est = planner.estimate(conn, query)
    assert est is not None, f"estimate(conn, {name}) returned None"
    return est


def _rows_close(got, expected) -> bool:
    return isinstance(got, (int, float)) and abs(got - expected) <= max(1.0, ROWS_TOLERANCE * expected)


def _close(got, expected, tolerance) -> bool:
    return isinstance(got, (int, float)) and math.isfinite(got) and abs(got - expected) <= tolerance * expected + 0.005


def _check_rows(conn, name: str, why: str):
    query = planner.QUERIES[name]
    pg = PostgresView(conn, query)
    est = _estimate(conn, name, query)
    assert _rows_close(est.rows, pg.rows), (
        f"{name} ({pg.sql}): your estimate is {_rows(est.rows)} (selectivity {est.selectivity!r}); "
        f"PostgreSQL's EXPLAIN estimates {pg.rows:.0f} rows on this server "
        f"(tolerance: {ROWS_TOLERANCE:.0%} or 1 row). {why}"
    )


# ---------------------------------------------------------------------------------------------
# What the planner reads


def test_table_size(conn):
    reltuples, relpages, pages = conn.execute(
        "select reltuples, relpages, pg_relation_size(oid) / current_setting('block_size')::int from pg_class where oid = %s::regclass",
        (TABLE,),
    ).fetchone()
    full_scan_rows = _plan(conn, f"select * from {TABLE}", {})["Plan Rows"]
    got = planner.table_stats(conn, TABLE)
    assert got is not None, "table_stats(conn, 'shop.orders') returned None"
    assert (got.reltuples, got.relpages) == (reltuples, relpages), (
        f"table_stats: reltuples and relpages should be pg_class's ({reltuples:.0f}, {relpages}), got ({got.reltuples!r}, {got.relpages!r})"
    )
    assert got.pages == pages, (
        f"table_stats: pages should be the table's size now, pg_relation_size / block_size = {pages}, got {got.pages!r}. "
        f"pg_class.relpages ({relpages}) is the size at the last ANALYZE."
    )
    assert _rows_close(got.tuples, full_scan_rows) and abs(got.tuples - full_scan_rows) <= 1, (
        f"table_stats: tuples should be the planner's row count now, {full_scan_rows:.0f} (EXPLAIN select * from shop.orders), "
        f"got {got.tuples!r}. 6,000 rows arrived after the last ANALYZE: PostgreSQL keeps the density "
        f"reltuples / relpages and multiplies it by the pages the table has now."
    )


def _pg_stats(conn, column: str, type_name: str):
    return conn.execute(
        f"""select null_frac, n_distinct, most_common_vals::text::{type_name}[], most_common_freqs,
                   histogram_bounds::text::{type_name}[], correlation
              from pg_stats where schemaname = 'shop' and tablename = 'orders' and attname = %s""",
        (column,),
    ).fetchone()


def test_column_statistics(conn):
    for column, type_name in (("customer_id", "integer"), ("status", "text"), ("shipped_at", "timestamptz"), ("amount", "numeric")):
        null_frac, n_distinct, mcv, mcf, hist, correlation = _pg_stats(conn, column, type_name)
        got = planner.column_stats(conn, TABLE, column)
        assert got is not None, f"column_stats(conn, 'shop.orders', '{column}') returned None, but pg_stats has a row for it"
        assert math.isclose(got.null_frac, null_frac, rel_tol=1e-6, abs_tol=1e-9), f"{column}: null_frac should be {null_frac}, got {got.null_frac!r}"
        assert math.isclose(got.n_distinct, n_distinct, rel_tol=1e-6), (
            f"{column}: n_distinct should be {n_distinct} (pg_stats; a negative value is minus a fraction of the rows), got {got.n_distinct!r}"
        )
        assert list(got.most_common_vals or []) == list(mcv or []), (
            f"{column}: most_common_vals should be pg_stats' list as Python values of the column's type "
            f"(first ones: {list(mcv or [])[:3]!r}), got {list(got.most_common_vals or [])[:3]!r}. Cast it through text: most_common_vals::text::{type_name}[]"
        )
        assert [round(f, 7) for f in got.most_common_freqs or []] == [round(f, 7) for f in mcf or []], (
            f"{column}: most_common_freqs should be pg_stats' list (first ones: {list(mcf or [])[:3]!r}), got {list(got.most_common_freqs or [])[:3]!r}"
        )
        assert list(got.histogram_bounds or []) == list(hist or []), (
            f"{column}: histogram_bounds should be pg_stats' list as values of the column's type "
            f"(first ones: {list(hist or [])[:2]!r}), got {list(got.histogram_bounds or [])[:2]!r}"
        )
        assert got.correlation is not None and math.isclose(got.correlation, correlation, rel_tol=1e-6, abs_tol=1e-9), (
            f"{column}: correlation should be {correlation}, got {got.correlation!r}"
        )


def test_cost_settings(conn):
    wanted = {"seq_page_cost": 1.5, "random_page_cost": 2.5, "cpu_tuple_cost": 0.02, "cpu_index_tuple_cost": 0.004, "cpu_operator_cost": 0.003}
    with conn.transaction():
        for name, value in wanted.items():
            conn.execute(f"select set_config('{name}', '{value}', true)")
        conn.execute("select set_config('effective_cache_size', '2GB', true)")
        (cache_pages,) = conn.execute("select setting::float8 from pg_settings where name = 'effective_cache_size'").fetchone()
        got = planner.cost_settings(conn)
    assert got is not None, "cost_settings(conn) returned None"
    found = {name: getattr(got, name, None) for name in wanted}
    assert all(isinstance(found[n], (int, float)) and math.isclose(found[n], v) for n, v in wanted.items()), (
        f"with the session's settings changed to {wanted}, cost_settings(conn) returned {found}. "
        "Read each one from the server, e.g. current_setting('random_page_cost')::float8, on the connection you are given."
    )
    cache = getattr(got, "effective_cache_size", None)
    assert isinstance(cache, (int, float)) and math.isclose(cache, cache_pages), (
        f"with the session's effective_cache_size set to 2GB, cost_settings(conn).effective_cache_size should be "
        f"{cache_pages:.0f} (pages of {conn.execute('show block_size').fetchone()[0]} bytes), got {cache!r}. "
        "current_setting gives it with a unit ('2GB'); pg_settings' setting column gives it in pages."
    )


# ---------------------------------------------------------------------------------------------
# Row estimates


def test_rows_frequent_value(conn):
    _check_rows(conn, "big-customer",
                "Customer 1 is among pg_stats' most_common_vals: its selectivity is its most_common_freqs entry.")


def test_rows_rare_value(conn):
    _check_rows(conn, "one-customer",
                "A value outside most_common_vals shares what is left, 1 - sum(most_common_freqs) - null_frac, "
                "evenly with the other values that are not common; a negative n_distinct is a fraction of the rows.")


def test_rows_range(conn):
    _check_rows(conn, "first-week-of-may",
                "Two bounds on one column are one range, P(x < high) + P(x >= low) - 1 (+ null_frac), not two "
                "independent predicates. The histogram holds only the non-null values outside most_common_vals.")


def test_rows_two_columns(conn):
    _check_rows(conn, "app-returns",
                "Without extended statistics PostgreSQL treats predicates on different columns as independent "
                "and multiplies their selectivities.")


def test_rows_is_null(conn):
    _check_rows(conn, "no-coupon", "IS NULL keeps the null_frac of the rows.")


def test_rows_more_queries(conn):
    wrong = []
    for name, query in _more_queries().items():
        pg = PostgresView(conn, query)
        est = _estimate(conn, name, query)
        if not _rows_close(est.rows, pg.rows):
            wrong.append(f"{pg.sql}: you estimate {_rows(est.rows)}, PostgreSQL {pg.rows:.0f}")
    assert not wrong, (
        f"{len(wrong)} of {len(_more_queries())} further queries are off by more than {ROWS_TOLERANCE:.0%}:\n  "
        + "\n  ".join(wrong[:5])
    )


# ---------------------------------------------------------------------------------------------
# Costs and the choice


def _all_queries():
    return {**planner.QUERIES, **_more_queries()}


def test_seq_scan_cost(conn):
    wrong = []
    for name, query in _all_queries().items():
        pg = PostgresView(conn, query)
        est = _estimate(conn, name, query)
        if not _close(est.seq_scan_cost, pg.seq_scan_cost, SEQ_COST_TOLERANCE):
            wrong.append(f"{pg.sql}: you estimate {_cost(est.seq_scan_cost)}, PostgreSQL {pg.seq_scan_cost:.2f}")
    assert not wrong, (
        f"the sequential scan's total cost is off by more than {SEQ_COST_TOLERANCE:.0%} for {len(wrong)} queries "
        "(PostgreSQL's cost from EXPLAIN with index scans disabled):\n  " + "\n  ".join(wrong[:5])
    )


@contextmanager
def _session(conn, settings: dict):
    """A transaction with `settings` in force for the learner's estimates and PostgreSQL's plans alike."""
    with conn.transaction(force_rollback=True):
        for name, value in settings.items():
            conn.execute(f"select set_config('{name}', '{value}', true)")
        yield


def _index_cost_errors(conn, queries, settings=None):
    wrong = []
    for name, query in queries.items():
        pg = PostgresView(conn, query, settings)
        est = _estimate(conn, name, query)
        if pg.index_scan_cost is None:
            if est.index_scan_cost is not None:
                wrong.append(f"{pg.sql}: no index can serve this query, yet you cost an index scan at {_cost(est.index_scan_cost)}")
        elif est.index_scan_cost is None:
            wrong.append(f"{pg.sql}: PostgreSQL can scan {pg.index_name} for {pg.index_scan_cost:.2f}; you found no index scan")
        elif not _close(est.index_scan_cost, pg.index_scan_cost, INDEX_COST_TOLERANCE) or est.index_name != pg.index_name:
            wrong.append(f"{pg.sql}: you estimate {_cost(est.index_scan_cost)} using {est.index_name!r}, "
                         f"PostgreSQL {pg.index_scan_cost:.2f} using {pg.index_name}")
    return wrong


def test_index_scan_cost(conn):
    wrong = _index_cost_errors(conn, _all_queries())
    assert not wrong, (
        f"the index scan's total cost is off by more than {INDEX_COST_TOLERANCE:.0%}, or the index is another, for {len(wrong)} queries "
        "(PostgreSQL's cost from EXPLAIN with sequential scans disabled):\n  " + "\n  ".join(wrong[:5])
    )


def _check_choices(conn, queries, settings=None):
    wrong = []
    for name, query in queries.items():
        pg = PostgresView(conn, query, settings)
        est = _estimate(conn, name, query)
        if not pg.clear_choice():
            continue
        if est.access_path != pg.access_path:
            wrong.append(f"{name} ({pg.sql}): you choose {est.access_path!r} at cost {_cost(est.cost)}, PostgreSQL a {pg.access_path} "
                         f"(seq scan {pg.seq_scan_cost:.2f}, index scan {_cost(pg.index_scan_cost)})")
        elif not _close(est.cost, pg.cost, INDEX_COST_TOLERANCE):
            wrong.append(f"{name} ({pg.sql}): you choose the right path but cost it at {_cost(est.cost)}, PostgreSQL at {pg.cost:.2f}")
    return wrong


def test_access_path(conn):
    wrong = _check_choices(conn, planner.QUERIES) + _check_choices(conn, _more_queries())
    assert not wrong, (
        f"{len(wrong)} access paths differ from PostgreSQL's choice (EXPLAIN with bitmap scans disabled):\n  " + "\n  ".join(wrong[:5])
    )


def _big_customer_choice(conn, settings):
    query = planner.QUERIES["big-customer"]
    return PostgresView(conn, query, settings), _estimate(conn, "big-customer", query)


def test_ssd_cost_settings(conn):
    ssd = {"random_page_cost": "1.1"}
    with _session(conn, ssd):
        wrong = _check_choices(conn, planner.QUERIES, ssd)
        pg, big = _big_customer_choice(conn, ssd)
    assert not wrong, (
        "with random_page_cost = 1.1 (a server on SSDs), your choices or costs differ from PostgreSQL's:\n  " + "\n  ".join(wrong[:5])
    )
    assert big.access_path == pg.access_path, (
        f"with random_page_cost = 1.1, PostgreSQL reads customer 1's orders with a {pg.access_path} "
        f"(seq scan {pg.seq_scan_cost:.2f}, index scan {_cost(pg.index_scan_cost)}); you choose {big.access_path!r} "
        f"(seq scan {_cost(big.seq_scan_cost)}, index scan {_cost(big.index_scan_cost)})"
    )


def test_small_cache(conn):
    small = {"effective_cache_size": "1MB"}
    with _session(conn, small):
        wrong = _index_cost_errors(conn, _all_queries(), small)
    assert not wrong, (
        f"with effective_cache_size = 1MB (128 pages, fewer than the table has), the index scan's cost is off by more than "
        f"{INDEX_COST_TOLERANCE:.0%} for {len(wrong)} queries:\n  " + "\n  ".join(wrong[:5])
    )
    ssd_small = {"random_page_cost": "1.1", "effective_cache_size": "1MB"}
    with _session(conn, ssd_small):
        wrong = _check_choices(conn, planner.QUERIES, ssd_small) + _check_choices(conn, _more_queries(), ssd_small)
        pg, big = _big_customer_choice(conn, ssd_small)
    assert not wrong, (
        "with random_page_cost = 1.1 and effective_cache_size = 1MB, your choices or costs differ from PostgreSQL's:\n  "
        + "\n  ".join(wrong[:5])
    )
    assert big.access_path == pg.access_path, (
        f"with random_page_cost = 1.1 and effective_cache_size = 1MB, PostgreSQL reads customer 1's orders with a "
        f"{pg.access_path} (seq scan {pg.seq_scan_cost:.2f}, index scan {_cost(pg.index_scan_cost)}); you choose "
        f"{big.access_path!r} (seq scan {_cost(big.seq_scan_cost)}, index scan {_cost(big.index_scan_cost)})"
    )
