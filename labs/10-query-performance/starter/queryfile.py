"""Reads the lab's query files (slow_queries.sql, optimized_queries.sql). You need not change this file.

The format: a line `-- query: <id>` starts a query; its text runs to the next such line or to the end
of the file, and is exactly one SQL statement. Comments are allowed; the final semicolon is dropped.

    -- query: customer-orders
    -- The order history page.
    select order_id from orders where customer_id = 31337 order by ordered_at;
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = re.compile(r"^\s*--\s*query:\s*(\S+)\s*$")


def read_queries(path: str | Path) -> dict[str, str]:
    """The queries of `path` by id, in file order (dicts keep insertion order)."""
    path = Path(path)
    queries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MARKER.match(line)
        if match:
            name = match.group(1)
            if name in queries:
                raise ValueError(f"{path.name}: two queries are marked `-- query: {name}`")
            current = queries.setdefault(name, [])
        elif current is not None:
            current.append(line)
    result = {}
    for name, lines in queries.items():
        while lines and (not lines[-1].strip() or lines[-1].strip().startswith("--")):
            lines.pop()
        text = re.sub(r";\s*$", "", "\n".join(lines).strip()).strip()
        code = "\n".join(line.split("--", 1)[0] for line in text.splitlines()).strip()
        if not code:
            raise ValueError(f"{path.name}: the query `{name}` is empty")
        if ";" in code:
            raise ValueError(f"{path.name}: the query `{name}` holds more than one statement")
        result[name] = text
    return result
