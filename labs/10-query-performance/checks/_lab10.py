"""Shared helpers for the hidden checks of lab 10 (query-performance).

The checks run from a temporary copy of checks/, with the learner's lab folder as the working directory.
Every connection is in autocommit mode and the tests use one connection at a time: the embedded
PostgreSQL multiplexes every client onto one session, so an idle transaction would leak into the next
client's work.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
LAB_TABLES = ("orders", "customers", "stores")
QUERY_IDS = (
    "customer-orders",
    "kiosk-latest",
    "customer-by-email",
    "kiosk-gifts-to-newcomers",
    "customer-orders-and-gifts",
)
MARKER = re.compile(r"^\s*--\s*query:\s*(\S+)\s*$")
SCAN_TYPES_WITH_INDEX = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


def database_url() -> str:
    url = os.environ.get("DELABS_SERVICE_POSTGRES_URL")
    assert url, "DELABS_SERVICE_POSTGRES_URL is not set: the checks need the lab's PostgreSQL"
    return url


def connect() -> psycopg.Connection:
    # No server-side prepared statements (psycopg prepares a query run five times): on the embedded
    # PostgreSQL every connection shares one session, so their names would collide.
    return psycopg.connect(database_url(), autocommit=True, connect_timeout=15, prepare_threshold=None)


class QueryFileError(AssertionError):
    """A query file that does not follow the `-- query: <id>` format."""


def read_queries(path: Path) -> dict[str, str]:
    """The queries of a file in the lab's format, by id, in file order.

    A line `-- query: <id>` starts a query; its text runs to the next marker or the end of the file.
    The text is one SQL statement; its final semicolon is dropped.
    """
    if not path.exists():
        raise QueryFileError(f"{path.name} is missing from your lab folder")
    queries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MARKER.match(line)
        if match:
            name = match.group(1)
            if name in queries:
                raise QueryFileError(f"{path.name} has two queries marked `-- query: {name}`")
            current = queries.setdefault(name, [])
        elif current is not None:
            current.append(line)
    result: dict[str, str] = {}
    for name, lines in queries.items():
        text = "\n".join(lines).strip()
        text = re.sub(r";\s*$", "", _strip_trailing_comments(text)).strip()
        if not _has_code(text):
            raise QueryFileError(f"{path.name}: the query `{name}` is empty")
        if ";" in _without_comments(text):
            raise QueryFileError(
                f"{path.name}: the query `{name}` holds more than one statement; each marker is followed by exactly one"
            )
        result[name] = text
    return result


def _without_comments(text: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _has_code(text: str) -> bool:
    return _without_comments(text).strip() != ""


def _strip_trailing_comments(text: str) -> str:
    lines = text.splitlines()
    while lines and (lines[-1].strip() == "" or lines[-1].strip().startswith("--")):
        lines.pop()
    return "\n".join(lines)


def original_queries() -> dict[str, str]:
    """The slow queries as the lab ships them (a hidden copy: the learner's file could be edited)."""
    return read_queries(HERE / "slow_queries.sql")


def optimized_queries() -> dict[str, str]:
    """The learner's optimized_queries.sql, which must have exactly the five query ids."""
    queries = read_queries(Path.cwd() / "optimized_queries.sql")
    missing = [name for name in QUERY_IDS if name not in queries]
    extra = [name for name in queries if name not in QUERY_IDS]
    problems = []
    if missing:
        problems.append(f"it has no query marked {', '.join(f'`-- query: {name}`' for name in missing)}")
    if extra:
        problems.append(f"it has queries the lab does not know: {', '.join(extra)}")
    if problems:
        raise QueryFileError(
            f"optimized_queries.sql must hold the five queries of slow_queries.sql, each after its `-- query: <id>` line: {'; '.join(problems)}"
        )
    return queries


def own_indexes(conn: psycopg.Connection) -> list[dict]:
    """The indexes on the lab's tables that no constraint owns (the learner's), with their definitions."""
    rows = conn.execute(
        """
        select format('%%I.%%I', n.nspname, c.relname), t.relname, c.relname, pg_get_indexdef(i.indexrelid),
               am.amname, i.indpred is not null, i.indexprs is not null,
               array(select a.attname::text
                       from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality as k(attnum, position)
                       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                      order by k.position)
        from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_class t on t.oid = i.indrelid
        join pg_am am on am.oid = c.relam
        where t.relname = any(%s) and t.relnamespace = to_regnamespace('public')
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
        order by t.relname, c.relname
        """,
        [list(LAB_TABLES)],
    ).fetchall()
    return [
        {
            "qualified": qualified,
            "table": table,
            "name": name,
            "definition": definition,
            "method": method,
            "partial": partial,
            "expression": expression,
            "columns": [column for column in columns],
        }
        for qualified, table, name, definition, method, partial, expression, columns in rows
    ]


class WithoutOwnIndexes:
    """A transaction in which the learner's indexes are dropped; it is always rolled back."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.dropped: list[str] = []

    def __enter__(self) -> "WithoutOwnIndexes":
        self.conn.execute("begin")
        try:
            self.conn.execute("set local lock_timeout = '10s'")
            for index in own_indexes(self.conn):
                try:
                    self.conn.execute(f"drop index {index['qualified']}")
                except psycopg.errors.LockNotAvailable as error:
                    raise AssertionError(
                        f"could not drop {index['qualified']} for the 'before' measurement: another session holds a lock on "
                        f"{index['table']}. Close open transactions (an idle psql or notebook session) and run the checks again."
                    ) from error
                self.dropped.append(index["qualified"])
        except BaseException:
            self.conn.execute("rollback")
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.conn.execute("rollback")


def explain(conn: psycopg.Connection, sql: str, analyze: bool = False) -> dict:
    """The plan document of one statement: {"Plan": ..., "Execution Time": ...} (EXPLAIN's JSON, first element)."""
    options = "analyze, buffers, format json" if analyze else "format json"
    (document,) = conn.execute(f"explain ({options}) {sql}").fetchone()
    if isinstance(document, str):
        import json

        document = json.loads(document)
    return document[0]


def nodes(plan: dict):
    """Every node of a plan tree, depth first, parents before children, children in EXPLAIN's order."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def scans(plan: dict) -> list[tuple[str, str | None, str | None]]:
    """(node type, relation, index) of every node that reads a table or an index."""
    return [
        (node["Node Type"], node.get("Relation Name"), node.get("Index Name"))
        for node in nodes(plan)
        if "Relation Name" in node or "Index Name" in node
    ]


def node_title(node: dict) -> str:
    """A node's operation as psql names it: `Parallel Seq Scan`, `Index Scan Backward`, `Hash Anti Join`."""
    kind = node["Node Type"]
    join = node.get("Join Type")
    if join and join != "Inner" and kind in ("Nested Loop", "Hash Join", "Merge Join"):
        kind = f"Nested Loop {join} Join" if kind == "Nested Loop" else f"{kind.split()[0]} {join} Join"
    if node.get("Parallel Aware"):
        kind = f"Parallel {kind}"
    if node.get("Scan Direction") == "Backward":
        kind += " Backward"
    return kind


def describe_plan(plan: dict, limit: int = 12) -> str:
    """A compact one-line rendering of a plan: `Sort > Bitmap Heap Scan on orders > Bitmap Index Scan using ix`."""
    parts = []
    for node in nodes(plan):
        text = node_title(node)
        if node.get("Index Name"):
            text += f" using {node['Index Name']}"
        if node.get("Relation Name"):
            text += f" on {node['Relation Name']}"
        parts.append(text)
    if len(parts) > limit:
        parts = parts[:limit] + [f"... {len(parts) - limit} more"]
    return " > ".join(parts)


def fetch(conn: psycopg.Connection, sql: str) -> list[tuple]:
    return [tuple(row) for row in conn.execute(sql).fetchall()]


def has_order_by(sql: str) -> bool:
    return re.search(r"\border\s+by\b", _without_comments(sql), re.IGNORECASE) is not None
