"""The executor: runs one parsed statement against the pager.

TODO: write create, insert and select. The README's "Semantics" section is the specification; the
differential checks compare your results with sqlite3's.
"""

from __future__ import annotations

from . import heap  # noqa: F401
from .errors import SQLError
from .pager import Pager
from .syntax import CreateTable, Insert, Select, Statement

Row = tuple


def execute(pager: Pager, statement: Statement) -> list[Row]:
    if isinstance(statement, CreateTable):
        return create(pager, statement)
    if isinstance(statement, Insert):
        return insert(pager, statement)
    if isinstance(statement, Select):
        return select(pager, statement)
    raise SQLError(f"cannot execute {type(statement).__name__}")


def create(pager: Pager, statement: CreateTable) -> list[Row]:
    """CREATE TABLE: refuse an existing table or a repeated column name, then heap.create_table()."""
    raise NotImplementedError("executor.create() is not written yet (minidb/executor.py)")  # TODO


def insert(pager: Pager, statement: Insert) -> list[Row]:
    """INSERT: check every row (column names, value count, types) before storing any, then heap.insert_rows()."""
    raise NotImplementedError("executor.insert() is not written yet (minidb/executor.py)")  # TODO


def select(pager: Pager, statement: Select) -> list[Row]:
    """SELECT, in this order: FROM and JOINs, WHERE, ORDER BY, OFFSET and LIMIT, then the select list.

    Resolve every column name (qualified or not) against the tables in FROM/JOIN before reading rows,
    so an unknown or ambiguous column is an error even on an empty table. Conditions use SQL's
    three-valued logic: a comparison with NULL is unknown (None), and WHERE and ON keep a row only when
    the condition is true.
    """
    raise NotImplementedError("executor.select() is not written yet (minidb/executor.py)")  # TODO
