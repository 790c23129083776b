"""The tokenizer: SQL text in, a list of tokens out (the last one has kind 'end')."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SQLError

KEYWORDS = frozenset(
    """
    SELECT FROM WHERE AND OR NOT IS NULL ORDER BY ASC DESC LIMIT OFFSET
    JOIN INNER ON AS CREATE TABLE INSERT INTO VALUES INTEGER TEXT
    """.split()
)

# Longest first, so that '<=' wins over '<'.
SYMBOLS = ("<=", ">=", "<>", "!=", "=", "<", ">", "(", ")", ",", ";", "*", ".", "-")


@dataclass(frozen=True)
class Token:
    """One token.

    kind      value
    keyword   the keyword in upper case ('SELECT')
    name      the identifier in lower case ('orders')
    integer   a Python int (never negative: '-' is a symbol of its own)
    string    the string's content, with '' already turned into '
    symbol    the symbol's text ('<=', '(', ...); '!=' is returned as '<>'
    end       None: the end of the text, at position len(sql)
    """

    kind: str
    value: object
    position: int


def _is_name_start(char: str) -> bool:
    return char == "_" or ("a" <= char <= "z") or ("A" <= char <= "Z")


def _is_name_char(char: str) -> bool:
    return _is_name_start(char) or char.isdigit() and char.isascii()


def tokenize(sql: str) -> list[Token]:
    """Split ``sql`` into tokens. Raises SQLError at the position of anything that is not a token."""
    tokens: list[Token] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in " \t\r\n":
            i += 1
        elif char == "'":
            start, i, parts = i, i + 1, []
            while True:
                end = sql.find("'", i)
                if end < 0:
                    raise SQLError("unterminated string literal", start)
                parts.append(sql[i:end])
                if end + 1 < n and sql[end + 1] == "'":
                    parts.append("'")
                    i = end + 2
                    continue
                i = end + 1
                break
            tokens.append(Token("string", "".join(parts), start))
        elif char.isascii() and char.isdigit():
            start = i
            while i < n and sql[i].isascii() and sql[i].isdigit():
                i += 1
            if i < n and _is_name_start(sql[i]):
                raise SQLError(f"malformed number {sql[start:i + 1]!r}", start)
            tokens.append(Token("integer", int(sql[start:i]), start))
        elif _is_name_start(char):
            start = i
            while i < n and _is_name_char(sql[i]):
                i += 1
            word = sql[start:i]
            if word.upper() in KEYWORDS:
                tokens.append(Token("keyword", word.upper(), start))
            else:
                tokens.append(Token("name", word.lower(), start))
        else:
            for symbol in SYMBOLS:
                if sql.startswith(symbol, i):
                    tokens.append(Token("symbol", "<>" if symbol == "!=" else symbol, i))
                    i += len(symbol)
                    break
            else:
                raise SQLError(f"unexpected character {char!r}", i)
    tokens.append(Token("end", None, n))
    return tokens
