"""Slotted data pages: the rows of a table, packed into fixed-size pages.

Layout of a data page (PAGE_SIZE bytes, integers big-endian):

    offset 0  1 byte   page kind: 1 = data page
    offset 1  2 bytes  slot count n
    offset 3  2 bytes  free_end: where the record area starts (records grow down from the page's end)
    offset 5  4 bytes  next page of the same table, 0 if this is the last one
    offset 9  n slots  4 bytes each: the record's offset in the page (2 bytes) and its length (2 bytes)
    ...       free space
    free_end  records, the newest first, up to the end of the page

A record never crosses a page boundary: a row whose record does not fit in an empty page is refused.

TODO: write the methods marked TODO. HEADER and SLOT pack and unpack the header and a slot for you.
"""

from __future__ import annotations

import struct

from .catalog import PAGE_SIZE
from .errors import SQLError

DATA_PAGE = 1
HEADER = struct.Struct(">BHHI")  # kind, slot count, free_end, next page
SLOT = struct.Struct(">HH")  # offset, length
MAX_RECORD = PAGE_SIZE - HEADER.size - SLOT.size


class SlottedPage:
    """A data page in memory. ``data`` is a bytearray of PAGE_SIZE bytes; ``bytes(page.data)`` is what to write."""

    def __init__(self, data: bytes | bytearray):
        if len(data) != PAGE_SIZE:
            raise SQLError(f"a page must be {PAGE_SIZE} bytes, got {len(data)}")
        self.data = bytearray(data)

    @classmethod
    def empty(cls) -> "SlottedPage":
        """A data page with no records: kind 1, 0 slots, free_end = PAGE_SIZE, no next page."""
        data = bytearray(PAGE_SIZE)
        HEADER.pack_into(data, 0, DATA_PAGE, 0, PAGE_SIZE, 0)
        return cls(data)

    @property
    def next_page(self) -> int:
        return HEADER.unpack_from(self.data, 0)[3]

    @next_page.setter
    def next_page(self, page_no: int) -> None:
        kind, count, free_end, _next = HEADER.unpack_from(self.data, 0)
        HEADER.pack_into(self.data, 0, kind, count, free_end, page_no)

    def free_space(self) -> int:
        """Bytes left for records and their slots."""
        raise NotImplementedError("SlottedPage.free_space() is not written yet (minidb/page.py)")  # TODO

    def insert(self, record: bytes) -> bool:
        """Store ``record`` in this page; False (and the page unchanged) if it does not fit with its slot."""
        raise NotImplementedError("SlottedPage.insert() is not written yet (minidb/page.py)")  # TODO

    def records(self) -> list[bytes]:
        """The records in slot order (the order they were inserted)."""
        raise NotImplementedError("SlottedPage.records() is not written yet (minidb/page.py)")  # TODO
