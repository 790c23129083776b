"""Tables as heaps: each table is a chain of slotted pages, rows appended to the last one.

The catalog (page 0, catalog.py) records each table's first and last page; each data page records the
next one (page.py). TODO: write create_table, insert_rows and scan.
"""

from __future__ import annotations

from typing import Iterator

from .catalog import TableInfo, decode_catalog, encode_catalog
from .errors import SQLError  # noqa: F401
from .page import MAX_RECORD, SlottedPage  # noqa: F401
from .pager import Pager
from .records import decode_row, encode_row  # noqa: F401


def load_catalog(pager: Pager) -> dict[str, TableInfo]:
    return decode_catalog(pager.read(0))


def save_catalog(pager: Pager, tables: dict[str, TableInfo]) -> None:
    pager.write(0, encode_catalog(tables))


def create_table(pager: Pager, name: str, columns: list[tuple[str, str]]) -> None:
    """Add a table, with one empty data page, to the catalog."""
    raise NotImplementedError("heap.create_table() is not written yet (minidb/heap.py)")  # TODO


def insert_rows(pager: Pager, table: TableInfo, rows: list[tuple]) -> None:
    """Append rows to the table's last page, chaining a new page whenever it is full.

    A record longer than MAX_RECORD can never fit: raise SQLError before changing anything.
    """
    raise NotImplementedError("heap.insert_rows() is not written yet (minidb/heap.py)")  # TODO


def scan(pager: Pager, table: TableInfo) -> Iterator[tuple]:
    """Every row of the table, page by page, in insertion order."""
    raise NotImplementedError("heap.scan() is not written yet (minidb/heap.py)")  # TODO
