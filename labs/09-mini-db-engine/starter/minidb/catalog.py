"""The catalog: which tables exist, their columns and where their pages are. Complete; use it as it is.

The catalog lives in page 0, the header page of the file:

    bytes 0-7    magic b"MINIDB01"
    bytes 8-9    page size (4096), big-endian
    bytes 10-11  number of tables
    then for each table:
        name (1-byte length + UTF-8), first page (4 bytes), last page (4 bytes),
        number of columns (1 byte), then for each column: name (1-byte length + UTF-8), type (1 byte:
        1 INTEGER, 2 TEXT)
    the rest of the page is zero

A table's rows live in a chain of data pages: first_page -> next -> ... -> last_page (see page.py).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .errors import SQLError

PAGE_SIZE = 4096
MAGIC = b"MINIDB01"
TYPE_CODES = {"INTEGER": 1, "TEXT": 2}
TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()}


@dataclass
class TableInfo:
    name: str
    columns: list[tuple[str, str]]  # (name, 'INTEGER' or 'TEXT'), in order
    first_page: int
    last_page: int

    def column_index(self, name: str) -> int | None:
        for index, (column, _type) in enumerate(self.columns):
            if column == name:
                return index
        return None


def _short_string(value: str) -> bytes:
    data = value.encode("utf-8")
    if len(data) > 255:
        raise SQLError(f"name too long: {value[:40]}...")
    return bytes([len(data)]) + data


def encode_catalog(tables: dict[str, TableInfo]) -> bytes:
    """Page 0 for these tables, exactly PAGE_SIZE bytes. Raises SQLError if they do not fit."""
    out = bytearray(MAGIC)
    out += struct.pack(">HH", PAGE_SIZE, len(tables))
    for table in tables.values():
        out += _short_string(table.name)
        out += struct.pack(">IIB", table.first_page, table.last_page, len(table.columns))
        for name, type_name in table.columns:
            out += _short_string(name)
            out.append(TYPE_CODES[type_name])
    if len(out) > PAGE_SIZE:
        raise SQLError("too many tables: the catalog does not fit in the header page")
    return bytes(out) + bytes(PAGE_SIZE - len(out))


def decode_catalog(page: bytes) -> dict[str, TableInfo]:
    """The tables described by page 0 (the inverse of encode_catalog)."""
    if page[:8] != MAGIC:
        raise SQLError("not a minidb database file (bad magic in page 0)")
    page_size, count = struct.unpack_from(">HH", page, 8)
    if page_size != PAGE_SIZE:
        raise SQLError(f"unsupported page size {page_size}")
    i = 12

    def short_string() -> str:
        nonlocal i
        length = page[i]
        value = page[i + 1:i + 1 + length].decode("utf-8")
        i += 1 + length
        return value

    tables: dict[str, TableInfo] = {}
    for _ in range(count):
        name = short_string()
        first, last, ncols = struct.unpack_from(">IIB", page, i)
        i += 9
        columns = []
        for _ in range(ncols):
            column = short_string()
            columns.append((column, TYPE_NAMES[page[i]]))
            i += 1
        tables[name] = TableInfo(name, columns, first, last)
    return tables
