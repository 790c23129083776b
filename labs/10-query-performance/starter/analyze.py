"""Query performance analyzer: EXPLAIN ANALYZE every slow query before and after, and report.

    python analyze.py [--dsn URL] [--slow slow_queries.sql] [--optimized optimized_queries.sql] [--out-dir .]

"Before" is each query of slow_queries.sql on the database without your indexes: drop them in a
transaction that is rolled back, so nothing changes for anyone else. "After" is the query of the same id
in optimized_queries.sql, with your indexes. Writes report.json (the schema is in README.md) and
report.md into --out-dir.

The command-line handling, the query files and the output files are done; the TODOs are yours.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import psycopg

from queryfile import read_queries

DEFAULT_DSN = "postgresql://lab:lab@127.0.0.1:54310/shop"
LAB_TABLES = ["orders", "customers", "stores"]


def connect(dsn: str) -> psycopg.Connection:
    # Autocommit: every statement is its own transaction unless you open one explicitly
    # (with conn.transaction(): ...). An idle open transaction would hold locks for nothing.
    # prepare_threshold=None: no server-side prepared statements, which the embedded PostgreSQL
    # (one session shared by every connection) cannot keep apart.
    return psycopg.connect(dsn, autocommit=True, connect_timeout=15, prepare_threshold=None)


def explain_analyze(conn: psycopg.Connection, sql: str) -> dict:
    """The query's plan document as EXPLAIN returns it in JSON: {"Plan": {...}, "Execution Time": ...}.

    TODO: run EXPLAIN with the options that make PostgreSQL execute the query and count the pages it
    touches, in JSON. The result is one row, one column: a list with one document (psycopg parses
    the JSON for you). Return that document.
    """
    raise NotImplementedError("TODO: explain_analyze")


def own_indexes(conn: psycopg.Connection) -> list[str]:
    """The indexes on the lab's tables (LAB_TABLES) that no constraint owns, as schema-qualified names.

    TODO: query the catalog (pg_index, pg_class, pg_namespace, pg_constraint). Leave out the indexes
    of primary keys and unique constraints: they are part of the schema, not of your optimization.
    """
    raise NotImplementedError("TODO: own_indexes")


def explain_without_indexes(conn: psycopg.Connection, queries: dict[str, str]) -> dict[str, dict]:
    """EXPLAIN ANALYZE each query with your indexes dropped, by id.

    TODO: DROP INDEX is transactional in PostgreSQL. Open a transaction, drop your indexes, explain
    the queries, and roll back (psycopg: `with conn.transaction(force_rollback=True):`). Think about
    what happens if another session holds a lock on orders (SET LOCAL lock_timeout).
    """
    raise NotImplementedError("TODO: explain_without_indexes")


def summarize(document: dict) -> dict:
    """One side ("before" or "after") of a query's entry in report.json, from its plan document.

    TODO: top_node, total_cost, execution_time_ms, rows, shared_hit_blocks, shared_read_blocks and
    scans, exactly as README.md defines them. Where does each live: in the root node or beside it?
    """
    raise NotImplementedError("TODO: summarize")


def analyze(conn: psycopg.Connection, slow: dict[str, str], optimized: dict[str, str]) -> dict:
    """The whole report: {"queries": [{"id", "before", "after", "speedup"}, ...]} in slow_queries.sql order.

    TODO: "before" from explain_without_indexes(slow), "after" from explain_analyze on the optimized
    query of the same id, speedup = before execution time / after execution time.
    """
    raise NotImplementedError("TODO: analyze")


def render_markdown(report: dict) -> str:
    """report.md: a title and a Markdown table, one row per query (times, speedup, pages, plans).

    TODO: make it something you would paste into a pull request that adds the indexes.
    """
    raise NotImplementedError("TODO: render_markdown")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=os.environ.get("DELABS_SERVICE_POSTGRES_URL", DEFAULT_DSN))
    parser.add_argument("--slow", default="slow_queries.sql")
    parser.add_argument("--optimized", default="optimized_queries.sql")
    parser.add_argument("--out-dir", default=".")
    args = parser.parse_args(argv)

    slow = read_queries(args.slow)
    optimized = read_queries(args.optimized)
    with connect(args.dsn) as conn:
        report = analyze(conn, slow, optimized)

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(report)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
