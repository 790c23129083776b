"""The one exception the engine raises for every bad statement."""

from __future__ import annotations


class SQLError(Exception):
    """A statement the engine cannot run: a syntax error, an unknown table or column, a bad value.

    ``position`` is the 0-based offset in the SQL text of the character or token where the problem was
    found (``len(sql)`` when the text ended too early), or ``None`` when there is no sensible place to
    point at. Syntax errors always carry a position.
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at position {self.position})"
