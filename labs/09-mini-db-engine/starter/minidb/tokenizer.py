"""The tokenizer: SQL text in, a list of tokens out (the last one has kind 'end').

TODO: write tokenize(). The README's "Tokens" section is the exact specification.
"""

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


def tokenize(sql: str) -> list[Token]:
    """Split ``sql`` into tokens. Raises SQLError at the position of anything that is not a token.

    - Skip whitespace (space, tab, CR, LF).
    - 'string': from a quote to the next quote that is not doubled: 'it''s' is the string it's.
      No end quote: SQLError("unterminated string literal", position of the opening quote).
    - integer: ASCII digits. Digits followed directly by a letter or '_' (12abc): SQLError at the first digit.
    - name or keyword: a letter or '_', then letters, digits, '_'. A keyword if its upper case is in KEYWORDS.
    - symbol: the longest of SYMBOLS that matches here.
    - anything else: SQLError("unexpected character ...", its position).
    Append Token("end", None, len(sql)) at the end.
    """
    raise NotImplementedError("tokenize() is not written yet (minidb/tokenizer.py)")
