"""Hidden checks for analyze.py and the report it writes (lab 10, query-performance).

The analyzer runs once per check run (a module fixture), writing into a temporary folder; then the checks
ask PostgreSQL for the same plans and compare.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from _lab10 import (
    QUERY_IDS,
    WithoutOwnIndexes,
    connect,
    database_url,
    explain,
    fetch,
    optimized_queries,
    original_queries,
    own_indexes,
    scans,
)

ANALYZER_TIMEOUT_SECONDS = 300
NUMBER = ((int, float), "a number")
PLAN_FIELDS = {
    "top_node": (str, "a string"),
    "total_cost": NUMBER,
    "execution_time_ms": NUMBER,
    "rows": NUMBER,
    "shared_hit_blocks": (int, "an integer"),
    "shared_read_blocks": (int, "an integer"),
    "scans": (list, "a list"),
}
SCAN_FIELDS = ("node_type", "relation", "index")
COST_TOLERANCE = 0.05


class AnalyzerRun:
    def __init__(self, folder: Path, result: subprocess.CompletedProcess | None, error: str | None):
        self.folder = folder
        self.result = result
        self.error = error

    def report(self) -> dict:
        """The parsed report.json, or an assertion that says why there is none."""
        assert self.error is None, self.error
        path = self.folder / "report.json"
        assert path.exists(), (
            "analyze.py --out-dir DIR ran but wrote no DIR/report.json. Write report.json (and report.md) into the folder "
            "given by --out-dir (default: the current folder)."
        )
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise AssertionError(f"report.json is not valid JSON: {error}") from None


def _tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join(kept)


@pytest.fixture(scope="module")
def analyzer_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyzer-out")
    if not Path("analyze.py").exists():
        yield AnalyzerRun(folder, None, "analyze.py is missing from your lab folder")
        return
    with connect() as conn:
        indexes_before = {index["qualified"] for index in own_indexes(conn)}
    command = [sys.executable, "analyze.py", "--dsn", database_url(), "--out-dir", str(folder)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=ANALYZER_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        yield AnalyzerRun(folder, None, f"python analyze.py --dsn ... --out-dir ... did not finish within {ANALYZER_TIMEOUT_SECONDS} s")
        return
    error = None
    if result.returncode != 0:
        error = (
            f"python analyze.py --dsn ... --out-dir ... exited with status {result.returncode}; the end of its output:\n"
            + _tail(result.stderr or result.stdout)
        )
    else:
        with connect() as conn:
            gone = sorted(indexes_before - {index["qualified"] for index in own_indexes(conn)})
        if gone:
            error = (
                f"analyze.py dropped {', '.join(gone)} for good: drop the indexes for the 'before' plans inside a "
                "transaction and roll it back, so that the database is unchanged afterwards."
            )
    yield AnalyzerRun(folder, result, error)


def _entries(report: dict) -> dict[str, dict]:
    assert isinstance(report, dict) and isinstance(report.get("queries"), list), (
        'report.json must be an object with a "queries" list, one entry per query of slow_queries.sql'
    )
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in report["queries"]]
    assert ids == list(QUERY_IDS), f"report.json's queries must be, in this order, {list(QUERY_IDS)}; they are {ids}"
    return {entry["id"]: entry for entry in report["queries"]}


def _shape_problems(name: str, side: str, plan) -> list[str]:
    where = f"{name}.{side}"
    if not isinstance(plan, dict):
        return [f"{where} must be an object, got {type(plan).__name__}"]
    problems = []
    for field, (kind, description) in PLAN_FIELDS.items():
        value = plan.get(field)
        if field not in plan:
            problems.append(f"{where} has no {field}")
        elif isinstance(value, bool) or not isinstance(value, kind):
            problems.append(f"{where}.{field} must be {description}, got {value!r}")
    for position, scan in enumerate(plan.get("scans") or []):
        if not isinstance(scan, dict) or any(field not in scan for field in SCAN_FIELDS):
            problems.append(f"{where}.scans[{position}] must be an object with node_type, relation and index (null when absent), got {scan!r}")
    return problems


def test_report_written(analyzer_run):
    entries = _entries(analyzer_run.report())
    problems = []
    for name, entry in entries.items():
        for side in ("before", "after"):
            problems += _shape_problems(name, side, entry.get(side))
        speedup = entry.get("speedup")
        if isinstance(speedup, bool) or not isinstance(speedup, (int, float)):
            problems.append(f"{name}.speedup must be a number, got {speedup!r}")
    assert not problems, "report.json does not follow the schema of the brief:\n" + "\n".join(problems[:12])
    markdown = analyzer_run.folder / "report.md"
    assert markdown.exists(), "analyze.py wrote report.json but no report.md next to it"
    text = markdown.read_text(encoding="utf-8")
    missing = [name for name in QUERY_IDS if name not in text]
    assert not missing, f"report.md must have a line for every query; it does not mention {', '.join(missing)}"
    assert "|" in text, "report.md should show the queries as a Markdown table (| query | before | after | ... |)"


def _scan_key(scan: dict) -> tuple:
    return (scan.get("node_type"), scan.get("relation"), scan.get("index"))


def _show_scans(scan_list) -> str:
    if not scan_list:
        return "(none)"
    return ", ".join(
        f"{node}" + (f" using {index}" if index else "") + (f" on {relation}" if relation else "") for node, relation, index in scan_list
    )


def _compare_plan(name: str, side: str, reported: dict, real: dict, rows: int) -> list[str]:
    where = f"{name}.{side}"
    root = real["Plan"]
    problems = []
    if reported.get("top_node") != root["Node Type"]:
        problems.append(f"{where}.top_node is {reported.get('top_node')!r}, but the plan's top node is {root['Node Type']!r}")
    real_scans = scans(root)
    reported_scans = [_scan_key(scan) for scan in reported.get("scans") or [] if isinstance(scan, dict)]
    if Counter(reported_scans) != Counter(real_scans):
        problems.append(f"{where}.scans are {_show_scans(reported_scans)}, but the plan reads {_show_scans(real_scans)}")
    cost = reported.get("total_cost")
    real_cost = float(root["Total Cost"])
    if not isinstance(cost, (int, float)) or not math.isclose(cost, real_cost, rel_tol=COST_TOLERANCE, abs_tol=0.05):
        problems.append(f"{where}.total_cost is {cost!r}, but the plan's total cost is {real_cost:.2f}")
    if reported.get("rows") != rows:
        problems.append(f"{where}.rows is {reported.get('rows')!r}, but the query returns {rows} row{'' if rows == 1 else 's'} (the root node's Actual Rows)")
    return problems


def test_report_matches_plans(analyzer_run):
    entries = _entries(analyzer_run.report())
    originals = original_queries()
    optimized = optimized_queries()
    problems = []
    with connect() as conn:
        rows = {
            name: {"before": len(fetch(conn, originals[name])), "after": len(fetch(conn, optimized[name]))} for name in QUERY_IDS
        }
        after = {name: explain(conn, optimized[name]) for name in QUERY_IDS}
        with WithoutOwnIndexes(conn) as without:
            before = {name: explain(conn, originals[name]) for name in QUERY_IDS}
            dropped = without.dropped
    for name in QUERY_IDS:
        entry = entries[name]
        for side, real in (("before", before[name]), ("after", after[name])):
            if isinstance(entry.get(side), dict):
                problems += _compare_plan(name, side, entry[side], real, rows[name][side])
            else:
                problems.append(f"{name}.{side} is missing")
    assert not problems, (
        "The report must describe the real plans: 'before' is slow_queries.sql without your indexes "
        f"({', '.join(dropped) or 'none'}), dropped in a rolled-back transaction; 'after' is optimized_queries.sql with them.\n"
        + "\n".join(problems[:10])
        + (f"\n... and {len(problems) - 10} more" if len(problems) > 10 else "")
    )


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def test_report_measurements(analyzer_run):
    entries = _entries(analyzer_run.report())
    optimized = optimized_queries()
    with connect() as conn:
        real_after = {name: explain(conn, optimized[name], analyze=True)["Plan"] for name in QUERY_IDS}
    problems = []
    for name in QUERY_IDS:
        entry = entries[name]
        before, after = entry.get("before") or {}, entry.get("after") or {}
        time_before, time_after = _number(before.get("execution_time_ms")), _number(after.get("execution_time_ms"))
        if time_before is None or time_after is None or time_before <= 0 or time_after <= 0:
            problems.append(
                f"{name}: execution_time_ms must be positive (EXPLAIN ANALYZE's Execution Time), got before {before.get('execution_time_ms')!r}, after {after.get('execution_time_ms')!r}"
            )
        elif time_after >= time_before:
            problems.append(f"{name}: the report says {time_before} ms before and {time_after} ms after; after must be faster")
        else:
            speedup = _number(entry.get("speedup"))
            expected = time_before / time_after
            if speedup is None or not math.isclose(speedup, expected, rel_tol=0.01, abs_tol=0.05):
                problems.append(f"{name}: speedup is {entry.get('speedup')!r}, but before / after execution time is {expected:.2f}")
        pages = {}
        for side, plan in (("before", before), ("after", after)):
            hit, read = plan.get("shared_hit_blocks"), plan.get("shared_read_blocks")
            if not (isinstance(hit, int) and isinstance(read, int)) or isinstance(hit, bool) or isinstance(read, bool) or hit < 0 or read < 0:
                problems.append(f"{name}.{side}: shared_hit_blocks and shared_read_blocks must be counts (EXPLAIN's BUFFERS option), got {hit!r} and {read!r}")
            else:
                pages[side] = hit + read
        if len(pages) == 2:
            if pages["before"] < 1000:
                problems.append(
                    f"{name}.before reads {pages['before']} pages (hit + read); without your indexes the query scans a whole table, "
                    "thousands of pages. Take the buffers of the root node, with EXPLAIN (ANALYZE, BUFFERS)."
                )
            real = int(real_after[name].get("Shared Hit Blocks", 0)) + int(real_after[name].get("Shared Read Blocks", 0))
            if not (real / 2 - 5 <= pages["after"] <= real * 2 + 5):
                problems.append(f"{name}.after reads {pages['after']} pages (hit + read), but the optimized query reads {real} now")
    assert not problems, "The report's measurements must come from EXPLAIN (ANALYZE, BUFFERS):\n" + "\n".join(problems[:10]) + (
        f"\n... and {len(problems) - 10} more" if len(problems) > 10 else ""
    )
