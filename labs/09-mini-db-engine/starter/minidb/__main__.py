"""The command line: ``python -m minidb PATH`` runs the SQL script read from standard input.

After each statement has committed, it prints the statement's rows, one ``repr(tuple)`` a line, and
then a line ``ok``, flushed at once: a line ``ok`` means that statement is durable. On an error it
prints ``error: <message>`` to standard error and exits with status 1 (the statements before it stay
committed).

    $ printf "CREATE TABLE t (a INTEGER);\nINSERT INTO t VALUES (1), (2);\nSELECT a FROM t;\n" | python -m minidb /tmp/t.db
    ok
    ok
    (1,)
    (2,)
    ok
"""

from __future__ import annotations

import sys

from .engine import connect
from .errors import SQLError


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m minidb PATH < script.sql", file=sys.stderr)
        return 2
    script = sys.stdin.read()
    try:
        connection = connect(argv[0])
    except SQLError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        for rows in connection.execute_iter(script):
            for row in rows:
                print(repr(tuple(row)))
            print("ok", flush=True)
    except SQLError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
