"""The parser: a recursive-descent parser from tokens to the syntax tree of syntax.py.

Grammar (keywords in upper case, [] optional, * repeated):

    script     := [statement] (';' [statement])*
    statement  := create | insert | select
    create     := CREATE TABLE name '(' name type (',' name type)* ')'
    type       := INTEGER | TEXT
    insert     := INSERT INTO name ['(' name (',' name)* ')'] VALUES row (',' row)*
    row        := '(' value (',' value)* ')'
    value      := ['-'] integer | string | NULL
    select     := SELECT ('*' | column (',' column)*) FROM table_ref join*
                  [WHERE expr] [ORDER BY key (',' key)*] [LIMIT integer [OFFSET integer]]
    table_ref  := name [[AS] name]
    join       := [INNER] JOIN table_ref ON expr
    key        := column [ASC | DESC]
    column     := name ['.' name]
    expr       := and_expr (OR and_expr)*
    and_expr   := not_expr (AND not_expr)*
    not_expr   := NOT not_expr | predicate
    predicate  := '(' expr ')' | operand (cmp operand | IS [NOT] NULL)
    cmp        := '=' | '<>' | '<' | '<=' | '>' | '>='
    operand    := column | value
"""

from __future__ import annotations

from .errors import SQLError
from .syntax import (
    And, ColumnDef, ColumnRef, Compare, CreateTable, Insert, IsNull, Join, Literal, Not, Or, OrderKey,
    Select, Statement, TableRef,
)
from .tokenizer import Token, tokenize

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")


def parse(sql: str) -> list[Statement]:
    """Parse a script of statements separated by ';'. Raises SQLError with the position of the first error."""
    return Parser(tokenize(sql)).script()


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the statement"
    if token.kind == "string":
        return f"the string '{token.value}'"
    return repr(str(token.value))


class Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0

    # ------------------------------------------------------------ helpers

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at(self, kind: str, value: object = None) -> bool:
        token = self.peek()
        return token.kind == kind and (value is None or token.value == value)

    def accept(self, kind: str, value: object = None) -> Token | None:
        if self.at(kind, value):
            return self.advance()
        return None

    def expect(self, kind: str, value: object = None, what: str | None = None) -> Token:
        if self.at(kind, value):
            return self.advance()
        self.error(what or (str(value) if value is not None else f"a {kind}"))

    def error(self, expected: str):
        token = self.peek()
        last = self.tokens[self.index - 1] if self.index else token  # where the parser got to
        raise SQLError(f"expected {expected}, found {_describe(token)}", last.position)

    # ------------------------------------------------------------ statements

    def script(self) -> list[Statement]:
        statements: list[Statement] = []
        while not self.at("end"):
            if self.accept("symbol", ";"):
                continue
            statements.append(self.statement())
            if not self.at("end"):
                self.expect("symbol", ";", "';' or the end of the script")
        return statements

    def statement(self) -> Statement:
        if self.at("keyword", "CREATE"):
            return self.create()
        if self.at("keyword", "INSERT"):
            return self.insert()
        if self.at("keyword", "SELECT"):
            return self.select()
        self.error("CREATE, INSERT or SELECT")

    def name(self, what: str = "a name") -> Token:
        return self.expect("name", what=what)

    def create(self) -> CreateTable:
        start = self.expect("keyword", "CREATE").position
        self.expect("keyword", "TABLE")
        table = self.name("a table name").value
        self.expect("symbol", "(")
        columns = []
        while True:
            column = self.name("a column name")
            if not (self.at("keyword", "INTEGER") or self.at("keyword", "TEXT")):
                self.error("a column type (INTEGER or TEXT)")
            columns.append(ColumnDef(column.value, self.advance().value, column.position))
            if not self.accept("symbol", ","):
                break
        self.expect("symbol", ")", "',' or ')'")
        return CreateTable(table, columns, start)

    def insert(self) -> Insert:
        start = self.expect("keyword", "INSERT").position
        self.expect("keyword", "INTO")
        table = self.name("a table name").value
        columns = None
        if self.accept("symbol", "("):
            columns = [self.name("a column name").value]
            while self.accept("symbol", ","):
                columns.append(self.name("a column name").value)
            self.expect("symbol", ")", "',' or ')'")
        self.expect("keyword", "VALUES")
        rows = [self.row()]
        while self.accept("symbol", ","):
            rows.append(self.row())
        return Insert(table, columns, rows, start)

    def row(self) -> list[Literal]:
        self.expect("symbol", "(")
        values = [self.value()]
        while self.accept("symbol", ","):
            values.append(self.value())
        self.expect("symbol", ")", "',' or ')'")
        return values

    def value(self) -> Literal:
        token = self.peek()
        if self.accept("symbol", "-"):
            number = self.expect("integer", what="a number after '-'")
            return Literal(-number.value, token.position)
        if token.kind in ("integer", "string"):
            self.advance()
            return Literal(token.value, token.position)
        if self.accept("keyword", "NULL"):
            return Literal(None, token.position)
        self.error("a value (a number, a string or NULL)")

    def select(self) -> Select:
        start = self.expect("keyword", "SELECT").position
        columns = None
        if not self.accept("symbol", "*"):
            columns = [self.column()]
            while self.accept("symbol", ","):
                columns.append(self.column())
        self.expect("keyword", "FROM")
        table = self.table_ref()
        joins = []
        while self.at("keyword", "JOIN") or self.at("keyword", "INNER"):
            if self.accept("keyword", "INNER"):
                self.expect("keyword", "JOIN")
            else:
                self.advance()
            joined = self.table_ref()
            self.expect("keyword", "ON")
            joins.append(Join(joined, self.expr()))
        where = None
        if self.accept("keyword", "WHERE"):
            where = self.expr()
        order_by = []
        if self.accept("keyword", "ORDER"):
            self.expect("keyword", "BY")
            order_by.append(self.order_key())
            while self.accept("symbol", ","):
                order_by.append(self.order_key())
        limit = offset = None
        if self.accept("keyword", "LIMIT"):
            limit = self.expect("integer", what="a number after LIMIT").value
            if self.accept("keyword", "OFFSET"):
                offset = self.expect("integer", what="a number after OFFSET").value
        return Select(columns, table, joins, where, order_by, limit, offset, start)

    def table_ref(self) -> TableRef:
        table = self.name("a table name")
        alias = None
        if self.accept("keyword", "AS"):
            alias = self.name("an alias").value
        elif self.at("name"):
            alias = self.advance().value
        return TableRef(table.value, alias, table.position)

    def column(self) -> ColumnRef:
        first = self.name("a column name")
        if self.accept("symbol", "."):
            second = self.name("a column name")
            return ColumnRef(first.value, second.value, first.position)
        return ColumnRef(None, first.value, first.position)

    def order_key(self) -> OrderKey:
        column = self.column()
        if self.accept("keyword", "DESC"):
            return OrderKey(column, True)
        self.accept("keyword", "ASC")
        return OrderKey(column, False)

    # ------------------------------------------------------------ expressions

    def expr(self):
        left = self.and_expr()
        while self.accept("keyword", "OR"):
            left = Or(left, self.and_expr())
        return left

    def and_expr(self):
        left = self.not_expr()
        while self.accept("keyword", "AND"):
            left = And(left, self.not_expr())
        return left

    def not_expr(self):
        if self.accept("keyword", "NOT"):
            return Not(self.not_expr())
        return self.predicate()

    def predicate(self):
        if self.accept("symbol", "("):
            inner = self.expr()
            self.expect("symbol", ")", "')'")
            return inner
        left = self.operand()
        token = self.peek()
        if self.accept("keyword", "IS"):
            negated = self.accept("keyword", "NOT") is not None
            self.expect("keyword", "NULL", "NULL")
            return IsNull(left, negated, token.position)
        if token.kind == "symbol" and token.value in COMPARISONS:
            self.advance()
            return Compare(token.value, left, self.operand(), token.position)
        self.error("a comparison (=, <>, <, <=, >, >=) or IS")

    def operand(self):
        if self.at("name"):
            return self.column()
        if self.at("integer") or self.at("string") or self.at("keyword", "NULL") or self.at("symbol", "-"):
            return self.value()
        self.error("a column or a value")
