"""Tables as heaps: each table is a chain of slotted pages, rows appended to the last one."""

from __future__ import annotations

from typing import Iterator

from .catalog import TableInfo, decode_catalog, encode_catalog
from .errors import SQLError
from .page import MAX_RECORD, SlottedPage
from .pager import Pager
from .records import decode_row, encode_row


def load_catalog(pager: Pager) -> dict[str, TableInfo]:
    return decode_catalog(pager.read(0))


def save_catalog(pager: Pager, tables: dict[str, TableInfo]) -> None:
    pager.write(0, encode_catalog(tables))


def create_table(pager: Pager, name: str, columns: list[tuple[str, str]]) -> None:
    """Add a table with one empty data page to the catalog."""
    tables = load_catalog(pager)
    page_no = pager.allocate()
    pager.write(page_no, bytes(SlottedPage.empty().data))
    tables[name] = TableInfo(name, columns, page_no, page_no)
    save_catalog(pager, tables)


def insert_rows(pager: Pager, table: TableInfo, rows: list[tuple]) -> None:
    """Append rows to the table's last page, chaining a new page whenever one is full."""
    if not rows:
        return
    records = [encode_row(row) for row in rows]
    for record in records:
        if len(record) > MAX_RECORD:
            raise SQLError(f"row too large: its record is {len(record)} bytes, a page holds at most {MAX_RECORD}")
    tables = load_catalog(pager)
    info = tables[table.name]
    last_no = info.last_page
    last = SlottedPage(pager.read(last_no))
    for record in records:
        if last.insert(record):
            continue
        new_no = pager.allocate()
        new = SlottedPage.empty()
        new.insert(record)
        last.next_page = new_no
        pager.write(last_no, bytes(last.data))
        last_no, last = new_no, new
    pager.write(last_no, bytes(last.data))
    if last_no != info.last_page:
        info.last_page = last_no
        save_catalog(pager, tables)


def scan(pager: Pager, table: TableInfo) -> Iterator[tuple]:
    """Every row of the table, page by page, in insertion order."""
    page_no = table.first_page
    seen = set()
    while page_no:
        if page_no in seen:
            raise SQLError(f"corrupt database: the page chain of {table.name} loops at page {page_no}")
        seen.add(page_no)
        page = SlottedPage(pager.read(page_no))
        for record in page.records():
            yield decode_row(record)
        page_no = page.next_page
