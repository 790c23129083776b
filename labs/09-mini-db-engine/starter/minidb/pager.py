"""The pager: the database file as numbered fixed-size pages, with atomic, crash-safe commits.

The rest of the engine sees only pages: read(n), write(n, data), allocate(), and, once per statement,
commit() or rollback(). The file is always a whole number of pages; page 0 is the catalog.

The commit unit is one statement. The pager's promise (the README's "Durability"):

- read() sees the running statement's own changes at once;
- commit() makes all of them durable, or none of them if the process dies on the way, at any write,
  even half-way through writing a page;
- rollback() forgets every change since the last commit, pages allocated included;
- opening a file after a crash brings it back to exactly its committed statements.

Files next to the database must be named by adding a suffix to its path (``<path>-journal``), and
written with open() or os.write (the crash check intercepts them; do not use mmap).

TODO: design this, then write the methods marked TODO. The README's hints describe a rollback journal.
"""

from __future__ import annotations

import os

from .catalog import PAGE_SIZE
from .errors import SQLError


class Pager:
    def __init__(self, path: str):
        self.path = path
        self.journal_path = path + "-journal"
        self.file = open(path, "r+b" if os.path.exists(path) else "w+b")
        self._recover()
        size = os.fstat(self.file.fileno()).st_size
        if size % PAGE_SIZE:
            raise SQLError(f"{path} is not a minidb database: its size {size} is not a multiple of {PAGE_SIZE}")
        self._committed_pages = size // PAGE_SIZE
        # TODO: whatever state your design needs (the pages the running statement has changed, ...)

    @property
    def page_count(self) -> int:
        """Pages in the database, counting the pages the running statement has allocated."""
        raise NotImplementedError("Pager.page_count is not written yet (minidb/pager.py)")  # TODO

    @property
    def committed_page_count(self) -> int:
        """Pages in the database file as of the last commit."""
        return self._committed_pages

    def read(self, page_no: int) -> bytes:
        """The page as the running statement sees it (PAGE_SIZE bytes)."""
        raise NotImplementedError("Pager.read() is not written yet (minidb/pager.py)")  # TODO

    def write(self, page_no: int, data: bytes) -> None:
        """Change a page (PAGE_SIZE bytes): visible to read() at once, durable at commit()."""
        raise NotImplementedError("Pager.write() is not written yet (minidb/pager.py)")  # TODO

    def allocate(self) -> int:
        """A new zero-filled page at the end of the database; its number."""
        raise NotImplementedError("Pager.allocate() is not written yet (minidb/pager.py)")  # TODO

    def commit(self) -> None:
        """Make the running statement's changes durable, all or nothing."""
        raise NotImplementedError("Pager.commit() is not written yet (minidb/pager.py)")  # TODO

    def rollback(self) -> None:
        """Forget the running statement's changes."""
        raise NotImplementedError("Pager.rollback() is not written yet (minidb/pager.py)")  # TODO

    def _recover(self) -> None:
        """Called when the file is opened: undo (or finish) whatever a crash interrupted."""
        # TODO
        return

    def close(self) -> None:
        self.file.close()
