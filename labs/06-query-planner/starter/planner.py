"""Lab 06: a query planner in miniature.

For each query, estimate what PostgreSQL's planner estimates: how many rows the WHERE clause keeps,
what a sequential scan and an index scan would cost, and which of the two the planner picks. Every
number must come from the server: pg_class, pg_stats, pg_index and the cost settings. README.md
gives the formulas, step by step.

As it stands this is a planner without statistics: it guesses every selectivity with PostgreSQL's
own defaults for a table it knows nothing about, and costs nothing. Replace each TODO.

Run the checks from the Data Labs view, or try it by hand (after one check run has loaded the data):

    python planner.py
"""

from __future__ import annotations

import math  # noqa: F401  (math.ceil, math.log2)
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

import psycopg

# The lab's database when you run this file yourself (Start Services, or docker compose up).
# The checks pass their own connection to every function: always use the one you are given.
DEFAULT_URL = "postgresql://lab:lab@127.0.0.1:54306/shop"

UTC = timezone.utc
SEQ_SCAN = "Seq Scan"
INDEX_SCAN = "Index Scan"
RANGE_OPS = ("<", "<=", ">", ">=")
COMPARE_OPS = ("=",) + RANGE_OPS
# PostgreSQL charges 50 x cpu_operator_cost for every B-tree page it descends through (costsize.c).
BTREE_PAGE_CPU_MULTIPLIER = 50.0
BAR_WIDTH = 40

# PostgreSQL's guesses when a column has no statistics (src/include/utils/selfuncs.h).
DEFAULT_EQ_SEL = 0.005
DEFAULT_INEQ_SEL = 1.0 / 3.0
DEFAULT_UNK_SEL = 0.005


# ---------------------------------------------------------------------------------------------
# Queries: a table and a conjunction (AND) of simple predicates. Do not change these classes:
# the checks build their own queries with them.


@dataclass(frozen=True)
class Compare:
    """`column op value`, with op one of =, <, <=, >, >=."""

    column: str
    op: str
    value: object


@dataclass(frozen=True)
class IsNull:
    """`column IS NULL`."""

    column: str


@dataclass(frozen=True)
class Query:
    """select * from table where p1 and p2 and ..."""

    table: str
    where: tuple

    def sql(self) -> str:
        conditions = " and ".join(predicate_sql(p) for p in self.where)
        return f"select * from {self.table}" + (f" where {conditions}" if conditions else "")


def sql_literal(value: object) -> str:
    """A constant as SQL text: numbers as they are, text and timestamps quoted."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unsupported constant {value!r}")
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return "'" + value.isoformat(sep=" ") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def predicate_sql(predicate: Compare | IsNull) -> str:
    if isinstance(predicate, IsNull):
        return f"{predicate.column} is null"
    return f"{predicate.column} {predicate.op} {sql_literal(predicate.value)}"


ORDERS = "shop.orders"

QUERIES: dict[str, Query] = {
    # Equality on a frequent value: customer 1 is a reseller with about one order in ten.
    "big-customer": Query(ORDERS, (Compare("customer_id", "=", 1),)),
    # Equality on a rare value: an ordinary customer, not among the most common values.
    "one-customer": Query(ORDERS, (Compare("customer_id", "=", 2871),)),
    # A range over a few histogram buckets of a nullable column.
    "first-week-of-may": Query(ORDERS, (
        Compare("shipped_at", ">=", datetime(2025, 5, 1, tzinfo=UTC)),
        Compare("shipped_at", "<", datetime(2025, 5, 8, tzinfo=UTC)),
    )),
    # Two independent predicates on two columns.
    "app-returns": Query(ORDERS, (Compare("channel", "=", "app"), Compare("status", "=", "returned"))),
    # IS NULL.
    "no-coupon": Query(ORDERS, (IsNull("coupon_code"),)),
}


# ---------------------------------------------------------------------------------------------
# What the planner reads. Keep these classes' fields: the checks read them.


@dataclass(frozen=True)
class TableStats:
    reltuples: float  # pg_class.reltuples: the row count at the last ANALYZE, VACUUM or CREATE INDEX
    relpages: int  # pg_class.relpages: the table's pages at that time
    pages: int  # the table's pages now
    tuples: float  # the planner's row count now


@dataclass(frozen=True)
class ColumnStats:
    null_frac: float
    n_distinct: float  # > 0: a count; < 0: minus a fraction of the rows
    most_common_vals: list
    most_common_freqs: list
    histogram_bounds: list
    correlation: float | None


@dataclass(frozen=True)
class CostSettings:
    seq_page_cost: float
    random_page_cost: float
    cpu_tuple_cost: float
    cpu_index_tuple_cost: float
    cpu_operator_cost: float
    effective_cache_size: float  # in pages (blocks of block_size), as pg_settings counts it


@dataclass(frozen=True)
class IndexInfo:
    name: str
    column: str
    pages: int  # the index's pages now, metapage included


@dataclass(frozen=True)
class Estimate:
    query: Query
    selectivity: float
    rows: int
    seq_scan_cost: float
    index_name: str | None  # the cheapest usable index, or None when no index fits the query
    index_scan_cost: float | None
    access_path: str  # "Seq Scan" or "Index Scan"
    cost: float  # the chosen path's total cost


def connect(url: str | None = None) -> psycopg.Connection:
    # prepare_threshold=None: no automatic prepared statements. The embedded PostgreSQL shares one
    # session between its connections, where psycopg's statement names would collide.
    return psycopg.connect(url or os.environ.get("DELABS_SERVICE_POSTGRES_URL") or DEFAULT_URL,
                           autocommit=True, prepare_threshold=None)


def table_stats(conn: psycopg.Connection, table: str) -> TableStats:
    """pg_class's reltuples and relpages, the pages the table has now, and the planner's row count."""
    # TODO: read reltuples and relpages from pg_class (where oid = %s::regclass), and the pages now:
    #       pg_relation_size(oid) / current_setting('block_size')::int.
    # TODO: tuples is what the planner believes the table holds now. Rows have arrived since the
    #       last ANALYZE; see README.md, "How many rows".
    return TableStats(reltuples=0.0, relpages=0, pages=0, tuples=0.0)


def column_type(conn: psycopg.Connection, table: str, column: str) -> str:
    """The column's SQL type, as format_type writes it: integer, text, numeric(10,2), ..."""
    (type_name,) = conn.execute(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = %s::regclass and attname = %s",
        (table, column),
    ).fetchone()
    return type_name


def column_stats(conn: psycopg.Connection, table: str, column: str) -> ColumnStats | None:
    """The column's row of pg_stats, or None when it has none (the column was never analyzed)."""
    # TODO: select null_frac, n_distinct, most_common_vals, most_common_freqs, histogram_bounds and
    #       correlation from pg_stats (schemaname, tablename, attname). most_common_vals and
    #       histogram_bounds are of type anyarray: cast them through text to an array of the
    #       column's own type, e.g. most_common_vals::text::integer[], and psycopg gives you Python
    #       values (int, str, Decimal, datetime) you can compare with a query's constants.
    return None


def cost_settings(conn: psycopg.Connection) -> CostSettings:
    """The planner's cost constants, as the server has them now."""
    # TODO: read each one from the server, on this connection. These are PostgreSQL's defaults,
    #       but a server (or a session: SET random_page_cost = 1.1) may have others.
    #       current_setting('random_page_cost')::float8 works for the five costs; effective_cache_size
    #       comes with a unit ('4GB'), and the planner counts it in pages: see pg_settings.
    return CostSettings(seq_page_cost=1.0, random_page_cost=4.0, cpu_tuple_cost=0.01,
                        cpu_index_tuple_cost=0.005, cpu_operator_cost=0.0025,
                        effective_cache_size=524288.0)  # 4GB in 8 kB pages


def indexes(conn: psycopg.Connection, table: str) -> list[IndexInfo]:
    """The table's single-column B-tree indexes on plain columns (no expressions, no WHERE)."""
    rows = conn.execute(
        """select ic.relname, a.attname, pg_relation_size(ic.oid) / current_setting('block_size')::int
             from pg_index i
             join pg_class ic on ic.oid = i.indexrelid
             join pg_am am on am.oid = ic.relam
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
            where i.indrelid = %s::regclass and am.amname = 'btree' and i.indnatts = 1
              and i.indexprs is null and i.indpred is null and i.indisvalid
            order by ic.relname""",
        (table,),
    ).fetchall()
    return [IndexInfo(name, column, int(pages)) for name, column, pages in rows]


# ---------------------------------------------------------------------------------------------
# Selectivity: the fraction of the rows a predicate keeps


def clamp_rows(rows: float) -> int:
    """PostgreSQL's clamp_row_est: rounded, and at least 1."""
    return max(1, int(round(rows)))


def eq_selectivity(stats: ColumnStats | None, value: object, tuples: float) -> float:
    """column = value."""
    if stats is None:
        return DEFAULT_EQ_SEL
    # TODO: a most common value has its own frequency. Any other value shares what is left evenly
    #       with the other values that are not common (README.md, "Equality").
    return DEFAULT_EQ_SEL


def ineq_selectivity(stats: ColumnStats | None, op: str, value: object) -> float:
    """column op value, for op one of <, <=, >, >=."""
    if stats is None:
        return DEFAULT_INEQ_SEL
    # TODO: the most common values that satisfy the predicate, plus the histogram's share of the
    #       rest, interpolated inside the bucket the value falls in (README.md, "Ranges").
    return DEFAULT_INEQ_SEL


def selectivity(conn: psycopg.Connection, table: str, predicates: tuple, tuples: float) -> float:
    """The fraction of rows kept by the AND of `predicates`."""
    result = 1.0
    for predicate in predicates:
        stats = column_stats(conn, table, predicate.column)
        if isinstance(predicate, IsNull):
            # TODO: IS NULL.
            result *= DEFAULT_UNK_SEL
        elif predicate.op == "=":
            result *= eq_selectivity(stats, predicate.value, tuples)
        else:
            # TODO: two bounds on the same column are one range, not two independent predicates
            #       (README.md, "Several predicates").
            result *= ineq_selectivity(stats, predicate.op, predicate.value)
    return result


# ---------------------------------------------------------------------------------------------
# Costs


def seq_scan_cost(table: TableStats, predicates: tuple, costs: CostSettings) -> float:
    """A sequential scan's total cost: every page read in order, every row checked."""
    # TODO: README.md, "A sequential scan".
    return 0.0


def btree_height(index_pages: int) -> int:
    """Levels above the leaves: none for a one-leaf index, one until the root page fills up."""
    if index_pages <= 2:
        return 0
    return 1 if index_pages < 300 else 2


def index_scan_cost(table: TableStats, index: IndexInfo, index_selectivity: float, correlation: float,
                    filter_predicates: tuple, index_conditions: int, costs: CostSettings) -> float:
    """An index scan's total cost: the index pages and entries, then the table's pages and rows.

    index_selectivity: the fraction of rows the index conditions keep; correlation: pg_stats'
    correlation of the index's column; filter_predicates: the predicates the index cannot check,
    tested on every row fetched; index_conditions: how many predicates the index checks.
    """
    # TODO: README.md, "An index scan".
    return 0.0


def estimate(conn: psycopg.Connection, query: Query) -> Estimate:
    """Rows, both paths' costs and the planner's choice for one query."""
    table = table_stats(conn, query.table)
    costs = cost_settings(conn)
    sel = selectivity(conn, query.table, query.where, table.tuples)
    rows = clamp_rows(sel * table.tuples)
    seq_cost = seq_scan_cost(table, query.where, costs)
    # TODO: for every index in indexes(conn, query.table) that can check at least one predicate of
    #       the query, cost an index scan (README.md, "An index scan"); keep the cheapest.
    # TODO: choose the cheaper of the sequential scan and the best index scan.
    return Estimate(query=query, selectivity=sel, rows=rows, seq_scan_cost=seq_cost,
                    index_name=None, index_scan_cost=None, access_path=SEQ_SCAN, cost=seq_cost)


# ---------------------------------------------------------------------------------------------
# The visual


def render(name: str, est: Estimate) -> str:
    """A plan card: the query, the rows, and one bar per access path, the chosen one marked.

        one-customer: select * from shop.orders where customer_id = 2871
          rows: 4 (selectivity 0.000119)
          Seq Scan on shop.orders                  cost     715.00  ########################################
          Index Scan using orders_customer_id_idx  cost      20.35  #  <- chosen
    """
    # TODO: README.md, "The plan card".
    return f"{name}: {est.query.sql()}"


def main() -> None:
    with connect() as conn:
        for name, query in QUERIES.items():
            print(render(name, estimate(conn, query)))
            print()


if __name__ == "__main__":
    main()
