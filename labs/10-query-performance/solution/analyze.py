"""Query performance analyzer: EXPLAIN ANALYZE every slow query before and after, and report.

    python analyze.py [--dsn URL] [--slow slow_queries.sql] [--optimized optimized_queries.sql] [--out-dir .]

"Before" is each query of slow_queries.sql on the database without your indexes: they are dropped in a
transaction that is rolled back, so nothing changes for anyone else. "After" is the query of the same id
in optimized_queries.sql, with your indexes. Writes report.json (the schema is in README.md) and
report.md into --out-dir.
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
    # Autocommit: every statement is its own transaction unless we open one explicitly. No server-side
    # prepared statements: the embedded PostgreSQL shares one session between connections.
    return psycopg.connect(dsn, autocommit=True, connect_timeout=15, prepare_threshold=None)


def explain_analyze(conn: psycopg.Connection, sql: str) -> dict:
    """The query's plan document, as EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) returns it: {"Plan": ..., "Execution Time": ...}.

    ANALYZE runs the query for real: actual rows and times, not the planner's estimates.
    """
    (document,) = conn.execute(f"explain (analyze, buffers, format json) {sql}").fetchone()
    if isinstance(document, str):  # psycopg parses json columns; be safe with other adapters
        document = json.loads(document)
    return document[0]


def own_indexes(conn: psycopg.Connection) -> list[str]:
    """The indexes on the lab's tables that no constraint owns (primary keys stay), schema-qualified."""
    rows = conn.execute(
        """
        select format('%%I.%%I', n.nspname, c.relname)
        from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_class t on t.oid = i.indrelid
        where t.relname = any(%s) and t.relnamespace = to_regnamespace('public')
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
        order by 1
        """,
        [LAB_TABLES],
    ).fetchall()
    return [name for (name,) in rows]


def explain_without_indexes(conn: psycopg.Connection, queries: dict[str, str]) -> dict[str, dict]:
    """EXPLAIN ANALYZE each query with our indexes dropped, in one transaction that is always rolled back."""
    plans = {}
    with conn.transaction(force_rollback=True):
        # Do not wait forever for a session that holds a lock on a table.
        conn.execute("set local lock_timeout = '10s'")
        for index in own_indexes(conn):
            conn.execute(f"drop index {index}")
        for name, sql in queries.items():
            plans[name] = explain_analyze(conn, sql)
    return plans


def nodes(plan: dict):
    """Every node of a plan tree, depth first, parents before children (init plans and subplans included)."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def scan_nodes(plan: dict) -> list[dict]:
    """The nodes that read a table or an index."""
    return [
        {"node_type": node["Node Type"], "relation": node.get("Relation Name"), "index": node.get("Index Name")}
        for node in nodes(plan)
        if "Relation Name" in node or "Index Name" in node
    ]


def summarize(document: dict) -> dict:
    """One side (before or after) of a query's entry in report.json."""
    root = document["Plan"]
    rows = root["Actual Rows"]
    return {
        "top_node": root["Node Type"],
        "total_cost": root["Total Cost"],
        "execution_time_ms": document["Execution Time"],
        # Actual Rows is per loop (and a decimal since PostgreSQL 18); the root runs once.
        "rows": int(rows) if float(rows).is_integer() else rows,
        "shared_hit_blocks": root.get("Shared Hit Blocks", 0),
        "shared_read_blocks": root.get("Shared Read Blocks", 0),
        "scans": scan_nodes(root),
    }


def analyze(conn: psycopg.Connection, slow: dict[str, str], optimized: dict[str, str]) -> dict:
    missing = [name for name in slow if name not in optimized]
    if missing:
        raise SystemExit(f"optimized_queries.sql has no query for {', '.join(missing)}")
    before = explain_without_indexes(conn, slow)
    entries = []
    for name in slow:
        after = summarize(explain_analyze(conn, optimized[name]))
        first = summarize(before[name])
        entries.append(
            {
                "id": name,
                "before": first,
                "after": after,
                "speedup": round(first["execution_time_ms"] / after["execution_time_ms"], 2),
            }
        )
    return {"queries": entries}


def _plan_line(side: dict) -> str:
    reads = ", ".join(
        f"{scan['node_type']}" + (f" using {scan['index']}" if scan["index"] else "") + (f" on {scan['relation']}" if scan["relation"] else "")
        for scan in side["scans"]
    )
    return f"{side['top_node']}: {reads}"


def render_markdown(report: dict) -> str:
    lines = [
        "# Query performance report",
        "",
        "Before: slow_queries.sql without the indexes of indexes.sql. After: optimized_queries.sql with them.",
        "Times are EXPLAIN ANALYZE's execution times; pages are shared buffers hit + read.",
        "",
        "| query | before (ms) | after (ms) | speedup | pages before | pages after | plan before | plan after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for entry in report["queries"]:
        before, after = entry["before"], entry["after"]
        lines.append(
            f"| {entry['id']} | {before['execution_time_ms']:.2f} | {after['execution_time_ms']:.3f} | {entry['speedup']:.1f}x "
            f"| {before['shared_hit_blocks'] + before['shared_read_blocks']} | {after['shared_hit_blocks'] + after['shared_read_blocks']} "
            f"| {_plan_line(before)} | {_plan_line(after)} |"
        )
    return "\n".join(lines) + "\n"


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
