"""The syntax tree the parser builds and the executor runs. Use these classes as they are.

Every name (table, column, alias) is stored in lower case: identifiers are case-insensitive.
``position`` fields are 0-based offsets into the SQL text, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Literal:
    """An integer (Python int), a string (Python str) or NULL (None)."""

    value: int | str | None
    position: int = 0


@dataclass(frozen=True)
class ColumnRef:
    """``name`` or ``table.name``; ``table`` is the table name or its alias, or None when unqualified."""

    table: str | None
    name: str
    position: int = 0


@dataclass(frozen=True)
class Compare:
    """``left op right`` where op is one of '=', '<>', '<', '<=', '>', '>=' ('!=' is parsed as '<>')."""

    op: str
    left: "Operand"
    right: "Operand"
    position: int = 0


@dataclass(frozen=True)
class IsNull:
    """``operand IS NULL``, or ``operand IS NOT NULL`` when negated."""

    operand: "Operand"
    negated: bool = False
    position: int = 0


@dataclass(frozen=True)
class Not:
    operand: "Expr"


@dataclass(frozen=True)
class And:
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Or:
    left: "Expr"
    right: "Expr"


Operand = Union[Literal, ColumnRef]
Expr = Union[Compare, IsNull, Not, And, Or]

# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class ColumnDef:
    name: str
    type: str  # 'INTEGER' or 'TEXT'
    position: int = 0


@dataclass(frozen=True)
class CreateTable:
    name: str
    columns: list[ColumnDef]
    position: int = 0


@dataclass(frozen=True)
class Insert:
    """``INSERT INTO table [(columns)] VALUES (...), (...)``; ``columns`` is None when not listed."""

    table: str
    columns: list[str] | None
    rows: list[list[Literal]]
    position: int = 0


@dataclass(frozen=True)
class TableRef:
    """A table in FROM or JOIN; ``alias`` is None when there is none."""

    name: str
    alias: str | None = None
    position: int = 0

    @property
    def binding(self) -> str:
        """The name columns are qualified with: the alias if there is one, else the table name."""
        return self.alias or self.name


@dataclass(frozen=True)
class Join:
    """``[INNER] JOIN table ON condition``."""

    table: TableRef
    on: Expr


@dataclass(frozen=True)
class OrderKey:
    column: ColumnRef
    descending: bool = False


@dataclass(frozen=True)
class Select:
    """``columns`` is None for ``SELECT *``. ``limit`` and ``offset`` are None when absent."""

    columns: list[ColumnRef] | None
    table: TableRef
    joins: list[Join] = field(default_factory=list)
    where: Expr | None = None
    order_by: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None
    position: int = 0


Statement = Union[CreateTable, Insert, Select]
