"""minidb: a small SQL database engine in one file of fixed-size pages.

    import minidb
    db = minidb.connect("shop.db")
    db.execute("CREATE TABLE items (id INTEGER, name TEXT)")
    db.execute("INSERT INTO items VALUES (1, 'tea'), (2, 'it''s coffee')")
    db.execute("SELECT name FROM items WHERE id > 1")   # [("it's coffee",)]
    db.close()
"""

from .catalog import PAGE_SIZE
from .engine import Connection, connect
from .errors import SQLError

__all__ = ["PAGE_SIZE", "Connection", "SQLError", "connect"]
