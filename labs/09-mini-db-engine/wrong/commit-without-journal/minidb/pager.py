"""The pager: the database file as numbered fixed-size pages, with atomic, crash-safe commits.

The commit unit is one statement. While a statement runs, every page it changes stays in memory
(``_dirty``); the file is not touched. ``commit()`` then makes the change durable with a rollback
journal, the file ``<path>-journal``:

1. Write the journal: a header (magic, the page count before the statement, the number of saved
   pages), the original image of every page about to be overwritten, and a CRC32 of all that.
   Flush and fsync it (and the folder, so that the journal's name is durable too).
2. Write the new pages into the database file, flush and fsync it.
3. Delete the journal and fsync the folder. This is the commit point: from now on the statement is in.

On opening, a journal that is complete (its CRC matches) means a commit was interrupted somewhere in
step 2: write the saved pages back and cut the file to its old length, which undoes the statement as a
whole. A journal that is incomplete was interrupted in step 1, before the database file was touched:
delete it. Either way the file holds exactly the statements that committed, and no torn page.
"""

from __future__ import annotations

import os
import struct
import zlib

from .catalog import PAGE_SIZE
from .errors import SQLError

JOURNAL_MAGIC = b"MINIJRNL"
JOURNAL_HEADER = struct.Struct(">8sII")  # magic, page count before the statement, saved pages
JOURNAL_ENTRY = struct.Struct(">I")  # page number, followed by PAGE_SIZE bytes
CRC = struct.Struct(">I")


def _fsync_folder(path: str) -> None:
    """Make a created or deleted file name durable (POSIX only; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
        self._pages = self._committed_pages
        self._dirty: dict[int, bytes] = {}

    @property
    def page_count(self) -> int:
        """Pages in the database, counting the pages the running statement has allocated."""
        return self._pages

    @property
    def committed_page_count(self) -> int:
        return self._committed_pages

    def _read_from_file(self, page_no: int) -> bytes:
        self.file.seek(page_no * PAGE_SIZE)
        data = self.file.read(PAGE_SIZE)
        if len(data) != PAGE_SIZE:
            raise SQLError(f"corrupt database: page {page_no} is cut short")
        return data

    def read(self, page_no: int) -> bytes:
        """The page as the running statement sees it: its own changes first, then the file."""
        if not 0 <= page_no < self._pages:
            raise SQLError(f"corrupt database: page {page_no} does not exist ({self._pages} pages)")
        if page_no in self._dirty:
            return self._dirty[page_no]
        return self._read_from_file(page_no)

    def write(self, page_no: int, data: bytes) -> None:
        """Change a page; it reaches the file at commit()."""
        if len(data) != PAGE_SIZE:
            raise ValueError(f"a page is {PAGE_SIZE} bytes, got {len(data)}")
        if not 0 <= page_no < self._pages:
            raise ValueError(f"page {page_no} was never allocated")
        self._dirty[page_no] = bytes(data)

    def allocate(self) -> int:
        """A new zero-filled page at the end of the file; its number."""
        page_no = self._pages
        self._pages += 1
        self._dirty[page_no] = bytes(PAGE_SIZE)
        return page_no

    def commit(self) -> None:
        """Make the running statement's changes durable, all or nothing (see the module docstring)."""
        if not self._dirty:
            return
        # The statement is buffered until here, so writing the pages in one go is atomic enough.
        for page_no in sorted(self._dirty):
            self.file.seek(page_no * PAGE_SIZE)
            self.file.write(self._dirty[page_no])
        self.file.flush()
        os.fsync(self.file.fileno())

        self._committed_pages = self._pages
        self._dirty.clear()

    def rollback(self) -> None:
        """Forget the running statement's changes."""
        self._dirty.clear()
        self._pages = self._committed_pages

    def _recover(self) -> None:
        if not os.path.exists(self.journal_path):
            return
        with open(self.journal_path, "rb") as handle:
            journal = handle.read()
        entries = self._parse_journal(journal)
        if entries is not None:
            old_pages, images = entries
            for page_no, image in images:
                self.file.seek(page_no * PAGE_SIZE)
                self.file.write(image)
            self.file.truncate(old_pages * PAGE_SIZE)
            self.file.flush()
            os.fsync(self.file.fileno())
        os.remove(self.journal_path)
        _fsync_folder(self.journal_path)

    @staticmethod
    def _parse_journal(journal: bytes):
        """(page count, [(page number, image)]) of a complete journal, or None for an incomplete one."""
        if len(journal) < JOURNAL_HEADER.size + CRC.size:
            return None
        body, (crc,) = journal[:-CRC.size], CRC.unpack(journal[-CRC.size:])
        if zlib.crc32(body) != crc:
            return None
        magic, old_pages, count = JOURNAL_HEADER.unpack_from(body, 0)
        entry_size = JOURNAL_ENTRY.size + PAGE_SIZE
        if magic != JOURNAL_MAGIC or len(body) != JOURNAL_HEADER.size + count * entry_size:
            return None
        images = []
        for index in range(count):
            at = JOURNAL_HEADER.size + index * entry_size
            (page_no,) = JOURNAL_ENTRY.unpack_from(body, at)
            images.append((page_no, body[at + JOURNAL_ENTRY.size:at + entry_size]))
        return old_pages, images

    def close(self) -> None:
        self.rollback()
        self.file.close()
