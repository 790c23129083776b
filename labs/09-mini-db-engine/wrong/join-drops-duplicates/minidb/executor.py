"""The executor: runs one parsed statement against the pager."""

from __future__ import annotations

from typing import Callable

from . import heap
from .catalog import TableInfo
from .errors import SQLError
from .pager import Pager
from .syntax import (
    And, ColumnRef, Compare, CreateTable, Expr, Insert, IsNull, Literal, Not, Or, Select, Statement, TableRef,
)

Row = tuple
Evaluator = Callable[[Row], object]

_COMPARE = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def execute(pager: Pager, statement: Statement) -> list[Row]:
    if isinstance(statement, CreateTable):
        return create(pager, statement)
    if isinstance(statement, Insert):
        return insert(pager, statement)
    if isinstance(statement, Select):
        return select(pager, statement)
    raise SQLError(f"cannot execute {type(statement).__name__}")


def _table(pager: Pager, name: str, position: int) -> TableInfo:
    table = heap.load_catalog(pager).get(name)
    if table is None:
        raise SQLError(f"no such table: {name}", position)
    return table


# ---------------------------------------------------------------- CREATE TABLE and INSERT


def create(pager: Pager, statement: CreateTable) -> list[Row]:
    if statement.name in heap.load_catalog(pager):
        raise SQLError(f"table {statement.name} already exists", statement.position)
    seen = set()
    for column in statement.columns:
        if column.name in seen:
            raise SQLError(f"duplicate column name: {column.name}", column.position)
        seen.add(column.name)
    heap.create_table(pager, statement.name, [(column.name, column.type) for column in statement.columns])
    return []


def insert(pager: Pager, statement: Insert) -> list[Row]:
    table = _table(pager, statement.table, statement.position)
    if statement.columns is None:
        targets = list(range(len(table.columns)))
    else:
        targets = []
        for name in statement.columns:
            index = table.column_index(name)
            if index is None:
                raise SQLError(f"table {table.name} has no column named {name}", statement.position)
            if index in targets:
                raise SQLError(f"column {name} is listed twice", statement.position)
            targets.append(index)
    rows = []
    for values in statement.rows:
        if len(values) != len(targets):
            position = values[0].position if values else statement.position
            raise SQLError(f"{len(values)} values for {len(targets)} columns", position)
        row: list[object] = [None] * len(table.columns)
        for index, literal in zip(targets, values):
            column, type_name = table.columns[index]
            value = literal.value
            if value is not None:
                if type_name == "INTEGER" and not isinstance(value, int):
                    raise SQLError(f"column {column} is INTEGER, cannot store {value!r}", literal.position)
                if type_name == "TEXT" and not isinstance(value, str):
                    raise SQLError(f"column {column} is TEXT, cannot store {value!r}", literal.position)
                if isinstance(value, int) and not -(2**63) <= value < 2**63:
                    raise SQLError(f"integer {value} does not fit in 64 bits", literal.position)
            row[index] = value
        rows.append(tuple(row))
    heap.insert_rows(pager, table, rows)
    return []


# ---------------------------------------------------------------- SELECT


class Scope:
    """The tables of a SELECT, each a slice of the combined row: FROM's columns first, then each JOIN's."""

    def __init__(self):
        self.bindings: list[tuple[str, TableInfo, int]] = []  # (binding name, table, offset in the row)
        self.width = 0

    def add(self, ref: TableRef, table: TableInfo) -> None:
        if any(binding == ref.binding for binding, _table, _offset in self.bindings):
            raise SQLError(f"{ref.binding} appears twice in FROM/JOIN; give one of them an alias", ref.position)
        self.bindings.append((ref.binding, table, self.width))
        self.width += len(table.columns)

    def resolve(self, ref: ColumnRef) -> tuple[int, str]:
        """The column's index in the combined row, and its type."""
        found = []
        for binding, table, offset in self.bindings:
            if ref.table is not None and ref.table != binding:
                continue
            index = table.column_index(ref.name)
            if index is not None:
                found.append((offset + index, table.columns[index][1]))
        label = f"{ref.table}.{ref.name}" if ref.table else ref.name
        if ref.table is not None and not any(binding == ref.table for binding, _t, _o in self.bindings):
            raise SQLError(f"no such table in this query: {ref.table}", ref.position)
        if not found:
            raise SQLError(f"no such column: {label}", ref.position)
        if len(found) > 1:
            raise SQLError(f"ambiguous column name: {label}", ref.position)
        return found[0]


def _operand(operand, scope: Scope) -> tuple[Evaluator, str | None]:
    """An evaluator of the operand and its type ('INTEGER', 'TEXT', or None for NULL)."""
    if isinstance(operand, Literal):
        value = operand.value
        kind = None if value is None else ("INTEGER" if isinstance(value, int) else "TEXT")
        return (lambda row: value), kind
    index, kind = scope.resolve(operand)
    return (lambda row: row[index]), kind


def compile_expr(expr: Expr, scope: Scope) -> Evaluator:
    """A function of a combined row giving True, False or None (unknown), SQL's three-valued logic."""
    if isinstance(expr, Compare):
        left, left_type = _operand(expr.left, scope)
        right, right_type = _operand(expr.right, scope)
        if left_type and right_type and left_type != right_type:
            raise SQLError(f"cannot compare {left_type} with {right_type}", expr.position)
        test = _COMPARE[expr.op]

        def compare(row):
            a, b = left(row), right(row)
            if a is None or b is None:
                return None
            return test(a, b)

        return compare
    if isinstance(expr, IsNull):
        value, _kind = _operand(expr.operand, scope)
        if expr.negated:
            return lambda row: value(row) is not None
        return lambda row: value(row) is None
    if isinstance(expr, Not):
        inner = compile_expr(expr.operand, scope)

        def negate(row):
            result = inner(row)
            return None if result is None else not result

        return negate
    if isinstance(expr, And):
        left, right = compile_expr(expr.left, scope), compile_expr(expr.right, scope)

        def both(row):
            a, b = left(row), right(row)
            if a is False or b is False:
                return False
            if a is None or b is None:
                return None
            return True

        return both
    if isinstance(expr, Or):
        left, right = compile_expr(expr.left, scope), compile_expr(expr.right, scope)

        def either(row):
            a, b = left(row), right(row)
            if a is True or b is True:
                return True
            if a is None or b is None:
                return None
            return False

        return either
    raise SQLError(f"unsupported expression {type(expr).__name__}")


def _equi_join_keys(on: Expr, scope: Scope, left_width: int) -> tuple[int, int] | None:
    """(left index, right index) when ON is `left column = right column`, for a hash join; else None."""
    if not (isinstance(on, Compare) and on.op == "=" and isinstance(on.left, ColumnRef) and isinstance(on.right, ColumnRef)):
        return None
    a, _ = scope.resolve(on.left)
    b, _ = scope.resolve(on.right)
    if a < left_width <= b:
        return a, b - left_width
    if b < left_width <= a:
        return b, a - left_width
    return None


def _join(left_rows: list[Row], right_rows: list[Row], on: Expr, scope: Scope, left_width: int) -> list[Row]:
    condition = compile_expr(on, scope)  # also checks the ON clause's columns and types
    keys = _equi_join_keys(on, scope, left_width)
    if keys is None:
        out = []
        for left in left_rows:
            for right in right_rows:
                row = left + right
                if condition(row) is True:
                    out.append(row)
        return out
    left_key, right_key = keys
    buckets: dict[object, list[Row]] = {}
    for right in right_rows:
        key = right[right_key]
        if key is not None:  # NULL never equals anything, not even NULL
            buckets[key] = [right]  # one row per key
    out = []
    for left in left_rows:
        key = left[left_key]
        if key is None:
            continue
        for right in buckets.get(key, ()):
            out.append(left + right)
    return out


def _null_first(value):
    """Sort key: NULL before every value, as in SQLite."""
    return (0, 0) if value is None else (1, value)


def select(pager: Pager, statement: Select) -> list[Row]:
    scope = Scope()
    first = _table(pager, statement.table.name, statement.table.position)
    scope.add(statement.table, first)
    rows = list(heap.scan(pager, first))
    for join in statement.joins:
        table = _table(pager, join.table.name, join.table.position)
        left_width = scope.width
        scope.add(join.table, table)
        rows = _join(rows, list(heap.scan(pager, table)), join.on, scope, left_width)

    # Resolve every column before looking at any row, so that errors do not depend on the data.
    if statement.columns is None:
        output = list(range(scope.width))
    else:
        output = [scope.resolve(column)[0] for column in statement.columns]
    order = [(scope.resolve(key.column)[0], key.descending) for key in statement.order_by]
    if statement.where is not None:
        where = compile_expr(statement.where, scope)
        rows = [row for row in rows if where(row) is True]

    # Sort by the last key first: Python's sort is stable, so earlier keys decide, later ones break ties.
    for index, descending in reversed(order):
        rows.sort(key=lambda row: _null_first(row[index]), reverse=descending)

    start = statement.offset or 0
    if statement.limit is not None:
        rows = rows[start:start + statement.limit]
    elif start:
        rows = rows[start:]
    return [tuple(row[index] for index in output) for row in rows]
