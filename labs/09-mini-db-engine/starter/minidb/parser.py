"""The parser: a recursive-descent parser from tokens to the syntax tree of syntax.py.

Grammar (keywords in upper case, [] optional, * repeated); the README explains every rule:

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

One method per rule is the classic shape: each looks at the next token (peek), consumes what it
expects (accept/expect) and returns a node of syntax.py. A syntax error is SQLError at the position of
the first token that does not fit the grammar (the 'end' token's position, len(sql), when the text
stops too early): self.error() does that.
"""

from __future__ import annotations

from .errors import SQLError
from .syntax import (  # noqa: F401 - the nodes you will build
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

    # ------------------------------------------------------------ helpers (complete)

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
        """Consume and return the next token if it is of this kind (and value); else None."""
        if self.at(kind, value):
            return self.advance()
        return None

    def expect(self, kind: str, value: object = None, what: str | None = None) -> Token:
        """Consume and return the next token, which must be of this kind (and value); else a syntax error."""
        if self.at(kind, value):
            return self.advance()
        self.error(what or (str(value) if value is not None else f"a {kind}"))

    def error(self, expected: str):
        token = self.peek()
        raise SQLError(f"expected {expected}, found {_describe(token)}", token.position)

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

    def create(self) -> CreateTable:
        # TODO: CREATE TABLE name '(' name type (',' name type)* ')'
        raise NotImplementedError("Parser.create() is not written yet (minidb/parser.py)")

    def insert(self) -> Insert:
        # TODO: INSERT INTO name ['(' name (',' name)* ')'] VALUES row (',' row)*
        # A value is ['-'] integer | string | NULL: '-' followed by 5 is the Literal -5.
        raise NotImplementedError("Parser.insert() is not written yet (minidb/parser.py)")

    def select(self) -> Select:
        # TODO: SELECT ... FROM table_ref join* [WHERE expr] [ORDER BY ...] [LIMIT n [OFFSET m]]
        # An alias is optional: `FROM orders o`, `FROM orders AS o`. The alias is a name token, never a
        # keyword, so `FROM orders WHERE ...` has none.
        raise NotImplementedError("Parser.select() is not written yet (minidb/parser.py)")

    # ------------------------------------------------------------ expressions

    def expr(self):
        # TODO: one method per precedence level, loosest first: OR, then AND, then NOT, then a predicate.
        # `a = 1 OR b = 2 AND c = 3` is Or(a = 1, And(b = 2, c = 3)); `NOT a = 1` is Not(a = 1).
        raise NotImplementedError("Parser.expr() is not written yet (minidb/parser.py)")
