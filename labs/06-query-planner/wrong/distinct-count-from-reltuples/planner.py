"""Lab 06: a query planner in miniature (known-wrong solution: a negative n_distinct is turned into a count with pg_class.reltuples, the row count of the last ANALYZE, not today's).

For each query, estimate what PostgreSQL's planner estimates: how many rows the WHERE clause keeps,
what a sequential scan and an index scan would cost, and which of the two the planner picks. Every
number comes from the server: pg_class, pg_stats, pg_index and the cost settings. The arithmetic is
PostgreSQL's own (src/backend/utils/adt/selfuncs.c, src/backend/optimizer/path/costsize.c), cut
down to single-table scans with AND-ed simple predicates.

Try it by hand (after one check run has loaded the data):

    python planner.py
"""

from __future__ import annotations

import math
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
    reltuples, relpages, pages = conn.execute(
        """select c.reltuples, c.relpages,
                  pg_relation_size(c.oid) / current_setting('block_size')::int
             from pg_class c
            where c.oid = %s::regclass""",
        (table,),
    ).fetchone()
    # The planner trusts the density (rows per page) of the last ANALYZE, not its row count:
    # a table that has grown since has more pages now, and so more rows.
    if relpages > 0 and reltuples >= 0:
        tuples = float(round(reltuples / relpages * pages))
    else:
        tuples = float(reltuples if reltuples > 0 else 0)
    return TableStats(float(reltuples), int(relpages), int(pages), tuples)


def column_type(conn: psycopg.Connection, table: str, column: str) -> str:
    """The column's SQL type, as format_type writes it: integer, text, numeric(10,2), ..."""
    (type_name,) = conn.execute(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = %s::regclass and attname = %s",
        (table, column),
    ).fetchone()
    return type_name


def _split(table: str) -> tuple[str, str]:
    schema, _, name = table.rpartition(".")
    return schema or "public", name


def column_stats(conn: psycopg.Connection, table: str, column: str) -> ColumnStats | None:
    """The column's row of pg_stats, or None when it has none (the column was never analyzed)."""
    schema, name = _split(table)
    type_name = column_type(conn, table, column)
    # most_common_vals and histogram_bounds are of type anyarray: through text, they cast to an
    # array of the column's own type, which psycopg turns into Python values.
    row = conn.execute(
        f"""select null_frac, n_distinct,
                   most_common_vals::text::{type_name}[],
                   most_common_freqs,
                   histogram_bounds::text::{type_name}[],
                   correlation
              from pg_stats
             where schemaname = %s and tablename = %s and attname = %s""",
        (schema, name, column),
    ).fetchone()
    if row is None:
        return None
    null_frac, n_distinct, mcv, mcf, hist, correlation = row
    return ColumnStats(float(null_frac), float(n_distinct), list(mcv or []), [float(f) for f in mcf or []],
                       list(hist or []), correlation)


def cost_settings(conn: psycopg.Connection) -> CostSettings:
    """The planner's cost constants, as the server has them now."""
    names = ("seq_page_cost", "random_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost")
    values = conn.execute("select " + ", ".join(f"current_setting('{n}')::float8" for n in names)).fetchone()
    # current_setting gives effective_cache_size with its unit ('4GB'); pg_settings.setting counts it
    # in blocks, the unit the planner divides it by.
    (cache_pages,) = conn.execute(
        "select setting::float8 from pg_settings where name = 'effective_cache_size'"
    ).fetchone()
    return CostSettings(*values, effective_cache_size=cache_pages)


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


def distinct_values(stats: ColumnStats, tuples: float) -> float:
    """The number of distinct values the planner believes the column has now."""
    if stats.n_distinct > 0:
        return stats.n_distinct
    # Negative: a fraction of the rows, so it grows with the table.
    return float(clamp_rows(-stats.n_distinct * tuples))


def eq_selectivity(stats: ColumnStats | None, value: object, tuples: float) -> float:
    """column = value."""
    if stats is None:
        return DEFAULT_EQ_SEL
    for mcv, freq in zip(stats.most_common_vals, stats.most_common_freqs):
        if mcv == value:
            return freq
    # Not a common value: the rows that are neither null nor common, shared evenly between the
    # other distinct values, and never more than the least common of the common values.
    selectivity = min(max(1.0 - sum(stats.most_common_freqs) - stats.null_frac, 0.0), 1.0)
    others = distinct_values(stats, tuples) - len(stats.most_common_vals)
    if others > 1:
        selectivity /= others
    if stats.most_common_freqs and selectivity > stats.most_common_freqs[-1]:
        selectivity = stats.most_common_freqs[-1]
    return selectivity


def _scalar(value: object) -> float:
    """A value on the number line, as PostgreSQL's convert_to_scalar puts it."""
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def _matches(mcv: object, op: str, value: object) -> bool:
    return {"<": mcv < value, "<=": mcv <= value, ">": mcv > value, ">=": mcv >= value}[op]


def histogram_fraction_below(bounds: list, value: object) -> float:
    """The fraction of the histogram's rows below `value`, interpolating inside its bucket."""
    if not bounds or value <= bounds[0]:
        return 0.0
    if value > bounds[-1]:
        return 1.0
    i = next(k for k, bound in enumerate(bounds) if bound >= value)
    low, high = _scalar(bounds[i - 1]), _scalar(bounds[i])
    fraction = 0.5 if high <= low else (_scalar(value) - low) / (high - low)
    return (i - 1 + min(max(fraction, 0.0), 1.0)) / (len(bounds) - 1)


def ineq_selectivity(stats: ColumnStats | None, op: str, value: object) -> float:
    """column op value, for op one of <, <=, >, >=."""
    if stats is None:
        return DEFAULT_INEQ_SEL
    mcv_part = sum(f for v, f in zip(stats.most_common_vals, stats.most_common_freqs) if _matches(v, op, value))
    rest = 1.0 - stats.null_frac - sum(stats.most_common_freqs)
    if len(stats.histogram_bounds) >= 2:
        below = histogram_fraction_below(stats.histogram_bounds, value)
        histogram_part = below if op in ("<", "<=") else 1.0 - below
        # PostgreSQL does not believe a histogram to less than a hundredth of one bucket.
        cutoff = 0.01 / (len(stats.histogram_bounds) - 1)
        histogram_part = min(max(histogram_part, cutoff), 1.0 - cutoff)
        return mcv_part + rest * histogram_part
    # No histogram (every value is a common one, or nearly): PostgreSQL guesses half of the rest.
    return mcv_part + rest * 0.5


def selectivity(conn: psycopg.Connection, table: str, predicates: tuple, tuples: float) -> float:
    """The fraction of rows kept by the AND of `predicates`, as clauselist_selectivity computes it."""
    result = 1.0
    ranges: dict[str, dict[str, float]] = {}
    stats_cache: dict[str, ColumnStats | None] = {}

    def stats_of(column: str) -> ColumnStats | None:
        if column not in stats_cache:
            stats_cache[column] = column_stats(conn, table, column)
        return stats_cache[column]

    for predicate in predicates:
        stats = stats_of(predicate.column)
        if isinstance(predicate, IsNull):
            result *= stats.null_frac if stats else DEFAULT_UNK_SEL
        elif predicate.op == "=":
            result *= eq_selectivity(stats, predicate.value, tuples)
        elif predicate.op in RANGE_OPS:
            # Bounds on the same column are not independent: keep them to combine into a range.
            side = "high" if predicate.op in ("<", "<=") else "low"
            part = ineq_selectivity(stats, predicate.op, predicate.value)
            bounds = ranges.setdefault(predicate.column, {})
            bounds[side] = min(bounds.get(side, 1.0), part)
        else:
            raise ValueError(f"unsupported operator {predicate.op!r}")

    for column, bounds in ranges.items():
        if "low" in bounds and "high" in bounds:
            stats = stats_of(column)
            # P(low <= x < high) = P(x < high) + P(x >= low) - 1, both sides excluded the nulls.
            combined = bounds["high"] + bounds["low"] - 1.0 + (stats.null_frac if stats else 0.0)
            result *= combined if combined > 0 else 1.0e-10
        else:
            result *= next(iter(bounds.values()))
    return min(max(result, 0.0), 1.0)


# ---------------------------------------------------------------------------------------------
# Costs


def _operator_count(predicates) -> int:
    # Each comparison is one operator call per row it is checked on; IS NULL costs nothing.
    return sum(1 for p in predicates if isinstance(p, Compare))


def seq_scan_cost(table: TableStats, predicates: tuple, costs: CostSettings) -> float:
    """A sequential scan's total cost: every page read in order, every row checked."""
    per_row = costs.cpu_tuple_cost + costs.cpu_operator_cost * _operator_count(predicates)
    return table.pages * costs.seq_page_cost + table.tuples * per_row


def btree_height(index_pages: int) -> int:
    """Levels above the leaves: none for a one-leaf index, one until the root page fills up."""
    if index_pages <= 2:
        return 0
    return 1 if index_pages < 300 else 2


def heap_pages_fetched(fetched: float, table_pages: int, index_pages: int, cache_pages: float) -> float:
    """The table pages read to fetch `fetched` rows in random order (Mackert and Lohman, as index_pages_fetched)."""
    t = float(max(table_pages, 1))
    # The table's share of the cache: it competes for effective_cache_size with the index.
    b = cache_pages * t / max(t + index_pages, 1.0)
    b = 1.0 if b <= 1.0 else math.ceil(b)
    if t <= b:
        # The whole table fits: a page read once stays cached, so no more than every page once.
        fetched_pages = 2.0 * t * fetched / (2.0 * t + fetched)
        return t if fetched_pages >= t else math.ceil(fetched_pages)
    # It does not: once the cache is full, pages are evicted and read again.
    limit = 2.0 * t * b / (2.0 * t - b)
    if fetched <= limit:
        fetched_pages = 2.0 * t * fetched / (2.0 * t + fetched)
    else:
        fetched_pages = b + (fetched - limit) * (t - b) / t
    return math.ceil(fetched_pages)


def index_scan_cost(table: TableStats, index: IndexInfo, index_selectivity: float, correlation: float,
                    filter_predicates: tuple, index_conditions: int, costs: CostSettings) -> float:
    """An index scan's total cost: the index pages and entries, then the table's pages and rows."""
    tuples = table.tuples
    # The index: the leaf entries that match, and the share of its pages that hold them.
    index_tuples = min(max(round(index_selectivity * tuples), 1.0), max(tuples, 1.0))
    index_pages = math.ceil(index_tuples * index.pages / tuples) if index.pages > 1 and tuples > 1 else 1.0
    index_cost = index_pages * costs.random_page_cost
    index_cost += index_tuples * (costs.cpu_index_tuple_cost + costs.cpu_operator_cost * index_conditions)
    if tuples > 1:
        index_cost += math.ceil(math.log2(tuples)) * costs.cpu_operator_cost
    index_cost += (btree_height(index.pages) + 1) * BTREE_PAGE_CPU_MULTIPLIER * costs.cpu_operator_cost

    # The heap: uncorrelated, a random read for every page the cache does not hold any more
    # (Mackert-Lohman); perfectly correlated, one random read then the matching pages in order.
    fetched = clamp_rows(index_selectivity * tuples)
    pages = max(table.pages, 1)
    random_pages = heap_pages_fetched(fetched, pages, index.pages, costs.effective_cache_size)
    max_io = random_pages * costs.random_page_cost
    ordered_pages = math.ceil(index_selectivity * pages)
    min_io = 0.0 if ordered_pages <= 0 else costs.random_page_cost + (ordered_pages - 1) * costs.seq_page_cost
    heap_io = max_io + correlation * correlation * (min_io - max_io)
    heap_cpu = fetched * (costs.cpu_tuple_cost + costs.cpu_operator_cost * _operator_count(filter_predicates))
    return index_cost + heap_io + heap_cpu


def estimate(conn: psycopg.Connection, query: Query) -> Estimate:
    """Rows, both paths' costs and the planner's choice for one query."""
    table = table_stats(conn, query.table)
    costs = cost_settings(conn)
    # pg_stats was computed from reltuples rows: its fractions are fractions of those.
    sel = selectivity(conn, query.table, query.where, table.reltuples)
    rows = clamp_rows(sel * table.tuples)
    seq_cost = seq_scan_cost(table, query.where, costs)

    best: tuple[float, str] | None = None
    for index in indexes(conn, query.table):
        # A B-tree finds =, <, <=, >, >= and, as it stores NULLs too, IS NULL.
        conditions = tuple(p for p in query.where if p.column == index.column and (isinstance(p, IsNull) or p.op in COMPARE_OPS))
        if not conditions:
            continue
        filters = tuple(p for p in query.where if p not in conditions)
        stats = column_stats(conn, query.table, index.column)
        correlation = stats.correlation if stats and stats.correlation is not None else 0.0
        index_sel = selectivity(conn, query.table, conditions, table.reltuples)
        cost = index_scan_cost(table, index, index_sel, correlation, filters, len(conditions), costs)
        if best is None or cost < best[0]:
            best = (cost, index.name)

    if best is not None and best[0] < seq_cost:
        path, cost = INDEX_SCAN, best[0]
    else:
        path, cost = SEQ_SCAN, seq_cost
    return Estimate(query, sel, rows, seq_cost, best[1] if best else None, best[0] if best else None, path, cost)


# ---------------------------------------------------------------------------------------------
# The visual


def _bar(cost: float, longest: float) -> str:
    return "#" * max(1, round(BAR_WIDTH * cost / longest)) if longest > 0 else "#"


def render(name: str, est: Estimate) -> str:
    """A plan card: the query, the rows, and one bar per access path, the chosen one marked."""
    lines = [
        f"{name}: {est.query.sql()}",
        f"  rows: {est.rows} (selectivity {est.selectivity:.6f})",
    ]
    paths = [(SEQ_SCAN, f"Seq Scan on {est.query.table}", est.seq_scan_cost)]
    if est.index_scan_cost is not None:
        paths.append((INDEX_SCAN, f"Index Scan using {est.index_name}", est.index_scan_cost))
    longest = max(cost for _, _, cost in paths)
    label_width = max(len(label) for _, label, _ in paths)
    for path, label, cost in paths:
        marker = "  <- chosen" if path == est.access_path else ""
        lines.append(f"  {label.ljust(label_width)}  cost {cost:10.2f}  {_bar(cost, longest)}{marker}")
    return "\n".join(lines)


def main() -> None:
    with connect() as conn:
        for name, query in QUERIES.items():
            print(render(name, estimate(conn, query)))
            print()


if __name__ == "__main__":
    main()
