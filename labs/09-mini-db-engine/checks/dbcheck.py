"""Shared helpers of the lab's hidden checks: running scripts on minidb and on sqlite3, and comparing.

Standard library only; every random choice is seeded.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field

import minidb

OUTPUT_DIR = "check-output"
MAX_SHOWN = 12


# ---------------------------------------------------------------- SQL text


def literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def insert_sql(table: str, rows, columns=None) -> str:
    names = f" ({', '.join(columns)})" if columns else ""
    values = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
    return f"INSERT INTO {table}{names} VALUES {values}"


def shown(rows, limit: int = MAX_SHOWN) -> str:
    """Rows as text, cut after ``limit``."""
    if not isinstance(rows, list):
        return repr(rows)
    if len(rows) > limit:
        return repr(rows[:limit])[:-1] + f", ... ({len(rows)} rows)]"
    return repr(rows)


def rows_label(rows) -> str:
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''}" if isinstance(rows, list) else type(rows).__name__


def normalise(result):
    """minidb's result as a list of tuples, or an explanation of why it is not one."""
    if not isinstance(result, list):
        return None, f"execute() must return a list of tuples, got {type(result).__name__}: {result!r:.200}"
    out = []
    for row in result:
        if not isinstance(row, (tuple, list)):
            return None, f"execute() must return a list of tuples, got a row {row!r:.200}"
        out.append(tuple(row))
    return out, ""


def save_script(name: str, statements: list[str]) -> str:
    """Writes a failing script into the learner's folder, to reproduce with python -m minidb; its path."""
    try:
        os.makedirs(OUTPUT_DIR, exist_ok=True)
        path = os.path.join(OUTPUT_DIR, f"{name}.sql")
        for stale in (f"{name}.db", f"{name}.db-journal"):
            if os.path.exists(os.path.join(OUTPUT_DIR, stale)):
                os.remove(os.path.join(OUTPUT_DIR, stale))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(";\n".join(statements) + ";\n")
        return path
    except OSError:
        return "(could not be saved)"


# ---------------------------------------------------------------- queries and their comparison


@dataclass
class Query:
    """A SELECT and how to compare its result.

    ordered: ORDER BY covers every selected column, so the order is fully determined.
    sort_keys: otherwise, (output position, descending) pairs the result must be sorted by.
    """

    sql: str
    ordered: bool = False
    sort_keys: list[tuple[int, bool]] = field(default_factory=list)
    note: str = ""


def _sql_key(value):
    return (0, 0) if value is None else (1, value)


def _sorted_by(rows, keys) -> int | None:
    """The first index where ``rows`` breaks the ORDER BY ``keys``; None if they are in order."""
    for i in range(1, len(rows)):
        for position, descending in keys:
            a, b = _sql_key(rows[i - 1][position]), _sql_key(rows[i][position])
            if a == b:
                continue
            if (a > b) != descending:
                return i
            break
    return None


def difference(query: Query, expected: list[tuple], got: list[tuple]) -> str:
    """'' when ``got`` is a right answer to ``query``, else what is wrong, in one or two lines."""
    if query.ordered:
        if got == expected:
            return ""
        if Counter(got) == Counter(expected):
            for i, (e, g) in enumerate(zip(expected, got)):
                if e != g:
                    return f"the right rows in the wrong order: row {i} should be {e!r}, got {g!r}"
    expected_count, got_count = Counter(expected), Counter(got)
    if expected_count != got_count:
        missing = list((expected_count - got_count).elements())
        extra = list((got_count - expected_count).elements())
        parts = []
        if missing:
            parts.append(f"missing {shown(missing, 6)}")
        if extra:
            parts.append(f"unexpected {shown(extra, 6)}")
        return "; ".join(parts)
    if query.sort_keys:
        at = _sorted_by(got, query.sort_keys)
        if at is not None:
            return f"not in ORDER BY order: row {at - 1} {got[at - 1]!r} comes before row {at} {got[at]!r}"
    return ""


class Pair:
    """One minidb database and one in-memory sqlite3 database, fed the same statements."""

    def __init__(self, path, name: str):
        self.path = str(path)
        self.name = name
        self.db = minidb.connect(self.path)
        self.lite = sqlite3.connect(":memory:", isolation_level=None)
        self.script: list[str] = []
        self.reopened_at: list[int] = []

    def close(self):
        try:
            self.db.close()
        finally:
            self.lite.close()

    def reopen(self):
        """Close minidb and open the file again: what was committed must still be there."""
        self.db.close()
        self.db = minidb.connect(self.path)
        self.reopened_at.append(len(self.script))

    def _fail(self, lines: list[str]):
        where = save_script(self.name, self.script)
        lines.append(f"the whole script is in {where}; run it: python -m minidb {where[:-4]}.db < {where}")
        raise AssertionError("\n".join(lines))

    def run(self, sql: str):
        """Runs a statement that is not a query on both."""
        self.script.append(sql)
        self.lite.execute(sql)
        try:
            self.db.execute(sql)
        except Exception as error:  # noqa: BLE001 - every failure is the learner's to see
            self._fail_error(sql, error)

    def _fail_error(self, sql, error):
        where = save_script(self.name, self.script)
        raise AssertionError(
            f"minidb raised {type(error).__name__}: {error}\n"
            f"on statement {len(self.script)} of the script: {sql}\n"
            f"(sqlite3 runs it without an error). The whole script is in {where}; run it: python -m minidb {where[:-4]}.db < {where}"
        ) from error

    def check(self, query: Query):
        self.script.append(query.sql)
        expected = self.lite.execute(query.sql).fetchall()
        try:
            raw = self.db.execute(query.sql)
        except Exception as error:  # noqa: BLE001
            self._fail_error(query.sql, error)
        got, problem = normalise(raw)
        if got is None:
            self._fail([f"on the query: {query.sql}", problem])
        wrong = difference(query, expected, got)
        if wrong:
            how = "in this order" if query.ordered else ("as a multiset, sorted by the ORDER BY keys" if query.sort_keys else "in any order")
            lines = [
                f"on the query (statement {len(self.script)} of the script): {query.sql}",
                f"sqlite3 returns {rows_label(expected)} ({how}): {shown(expected)}",
                f"minidb returns {rows_label(got)}: {shown(got)}",
                wrong,
            ]
            if query.note:
                lines.append(query.note)
            self._fail(lines)


# ---------------------------------------------------------------- the command line


def run_cli(db_path, script: str, timeout: float = 30.0) -> subprocess.CompletedProcess:
    """``python -m minidb DB`` with ``script`` on stdin, from the learner's folder."""
    return subprocess.run(
        [sys.executable, "-m", "minidb", str(db_path)],
        input=script, capture_output=True, text=True, timeout=timeout, cwd=os.getcwd(),
    )


def cli_rows(output: str) -> list[list[tuple]]:
    """The CLI's stdout as one list of rows per statement (each statement's rows end with a line 'ok')."""
    import ast

    results, current = [], []
    for line in output.splitlines():
        if line == "ok":
            results.append(current)
            current = []
        elif line.strip():
            try:
                current.append(tuple(ast.literal_eval(line)))
            except (ValueError, SyntaxError) as error:
                raise AssertionError(f"python -m minidb printed a line that is not a row's repr(tuple) nor 'ok': {line!r:.200}") from error
    return results
