"""The connection: the public API of the engine. Complete; the work is in the modules it calls."""

from __future__ import annotations

from typing import Iterator

from . import executor
from .catalog import encode_catalog
from .errors import SQLError
from .pager import Pager
from .parser import parse


class Connection:
    """An open database file. Not thread-safe; one connection per file at a time."""

    def __init__(self, path: str):
        self._pager = Pager(str(path))
        if self._pager.page_count == 0:
            # A new file: page 0 is the catalog, with no tables yet.
            page_no = self._pager.allocate()
            self._pager.write(page_no, encode_catalog({}))
            self._pager.commit()
        self._closed = False

    @property
    def page_count(self) -> int:
        """The number of pages in the database file (the header page included), as last committed."""
        return self._pager.committed_page_count

    def execute_iter(self, sql: str) -> Iterator[list[tuple]]:
        """Run every statement of ``sql`` in order, yielding each one's rows once it has committed.

        The whole script is parsed first: a syntax error anywhere runs nothing. Each statement is then
        atomic: it commits entirely before the next one starts, or, if it fails, it leaves no trace and
        the statements after it do not run.
        """
        if self._closed:
            raise SQLError("the connection is closed")
        for statement in parse(sql):
            try:
                rows = executor.execute(self._pager, statement)
                self._pager.commit()
            except BaseException:
                self._pager.rollback()
                raise
            yield rows

    def execute(self, sql: str) -> list[tuple]:
        """Run every statement of ``sql``; the rows of the last one (``[]`` unless it is a SELECT)."""
        rows: list[tuple] = []
        for rows in self.execute_iter(sql):
            pass
        return rows

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pager.close()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def connect(path: str) -> Connection:
    """Open the database file at ``path``, creating it if it does not exist, recovering it after a crash."""
    return Connection(path)
