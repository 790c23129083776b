"""Seeded generators of schemas, rows and queries for the differential checks (minidb against sqlite3).

Values are chosen to make engines disagree when they cut corners: NULLs everywhere, negative numbers,
9 next to 10 (string order differs from number order), quotes and semicolons in strings, upper and lower
case, and duplicate rows and join keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from dbcheck import Query, insert_sql, literal

INT_POOL = [-100, -10, -3, -1, 0, 1, 2, 3, 9, 10, 11, 42, 100, 1000]
TEXT_POOL = ["a", "b", "B", "ab", "abc", "", "it's", "O'Brien", "''", "x y", "a;b", "10", "9", "-1",
             "Zed", "zed", "é", "naïve", "--", "NULL", "it''s"]
COMPARISONS = ["=", "<>", "<", "<=", ">", ">=", "!="]


@dataclass
class Column:
    name: str
    type: str  # INTEGER or TEXT
    table: str  # the binding used to qualify it


def random_value(rng: random.Random, type_: str, null_rate: float = 0.15):
    if rng.random() < null_rate:
        return None
    if type_ == "INTEGER":
        return rng.choice(INT_POOL) if rng.random() < 0.7 else rng.randint(-50, 50)
    return rng.choice(TEXT_POOL)


def random_rows(rng: random.Random, types: list[str], count: int) -> list[tuple]:
    rows: list[tuple] = []
    for _ in range(count):
        if rows and rng.random() < 0.2:
            rows.append(rng.choice(rows))  # an exact duplicate
        else:
            rows.append(tuple(random_value(rng, t) for t in types))
    return rows


def insert_statements(rng: random.Random, table: str, names: list[str], rows: list[tuple]) -> list[str]:
    """Rows as INSERTs of 1 to 6 rows each, some with a column list (in another order, or leaving columns NULL)."""
    out, i = [], 0
    while i < len(rows):
        batch = rows[i:i + rng.randint(1, 6)]
        i += len(batch)
        roll = rng.random()
        if roll < 0.25:
            order = list(range(len(names)))
            rng.shuffle(order)
            out.append(insert_sql(table, [tuple(row[j] for j in order) for row in batch], [names[j] for j in order]))
        elif roll < 0.4 and all(row[-1] is None for row in batch):
            out.append(insert_sql(table, [row[:-1] for row in batch], names[:-1]))
        else:
            out.append(insert_sql(table, batch))
    return out


# ---------------------------------------------------------------- WHERE expressions

OR, AND, NOT, ATOM = 1, 2, 3, 4


def _ref(column: Column, qualify: bool) -> str:
    return f"{column.table}.{column.name}" if qualify else column.name


def random_predicate(rng: random.Random, columns: list[Column], depth: int, qualify) -> tuple[str, int]:
    """(SQL text, precedence level) of a random boolean expression over ``columns``."""
    roll = rng.random()
    if depth <= 0 or roll < 0.4:
        return _atom(rng, columns, qualify), ATOM
    if roll < 0.55:
        inner, level = random_predicate(rng, columns, depth - 1, qualify)
        if level < NOT or rng.random() < 0.3:
            inner = f"({inner})"
        return f"NOT {inner}", NOT
    level = AND if roll < 0.8 else OR
    word = "AND" if level == AND else "OR"
    parts = []
    for _ in range(2):
        text, child = random_predicate(rng, columns, depth - 1, qualify)
        if child < level or rng.random() < 0.2:
            text = f"({text})"
        parts.append(text)
    return f"{parts[0]} {word} {parts[1]}", level


def _atom(rng: random.Random, columns: list[Column], qualify) -> str:
    column = rng.choice(columns)
    ref = _ref(column, qualify(column))
    roll = rng.random()
    if roll < 0.15:
        return f"{ref} IS {'NOT ' if rng.random() < 0.5 else ''}NULL"
    op = rng.choice(COMPARISONS)
    if roll < 0.3:
        same = [c for c in columns if c.type == column.type]
        other = rng.choice(same)
        return f"{ref} {op} {_ref(other, qualify(other))}"
    value = random_value(rng, column.type, null_rate=0.08)
    if roll < 0.4:
        return f"{literal(value)} {op} {ref}"
    return f"{ref} {op} {literal(value)}"


# ---------------------------------------------------------------- SELECT


def random_select(rng: random.Random, from_sql: str, columns: list[Column], qualify, *, where_rate: float,
                  order_rate: float, limit_rate: float, star_rate: float = 0.2, depth: int = 3) -> Query:
    """A SELECT over ``from_sql`` (a table, or tables joined) whose columns are ``columns``, in SELECT * order."""
    if rng.random() < star_rate:
        selected = list(range(len(columns)))
        select_list = "*"
    else:
        selected = rng.sample(range(len(columns)), rng.randint(1, min(4, len(columns))))
        select_list = ", ".join(_ref(columns[i], qualify(columns[i])) for i in selected)
    sql = f"SELECT {select_list} FROM {from_sql}"
    if rng.random() < where_rate:
        sql += " WHERE " + random_predicate(rng, columns, depth, qualify)[0]
    ordered, sort_keys = False, []
    if rng.random() < order_rate:
        covering = rng.random() < 0.65 or rng.random() < limit_rate
        if covering:
            keys = list(selected)
            rng.shuffle(keys)
            extra = [i for i in range(len(columns)) if i not in keys]
            if extra and rng.random() < 0.3:
                keys.insert(rng.randint(0, len(keys)), rng.choice(extra))  # a key that is not selected
        else:
            keys = rng.sample(selected, rng.randint(1, min(2, len(selected))))
        directions = [rng.choice(["", " ASC", " DESC", " DESC"]) for _ in keys]
        sql += " ORDER BY " + ", ".join(_ref(columns[k], qualify(columns[k])) + d for k, d in zip(keys, directions))
        if covering:
            ordered = True
            if rng.random() < limit_rate:
                sql += f" LIMIT {rng.randint(0, 12)}"
                if rng.random() < 0.5:
                    sql += f" OFFSET {rng.randint(0, 8)}"
        else:
            positions = {column: position for position, column in enumerate(selected)}
            sort_keys = [(positions[k], d.strip() == "DESC") for k, d in zip(keys, directions)]
    return Query(sql, ordered=ordered, sort_keys=sort_keys)


def single_table(rng: random.Random, name: str = "t") -> tuple[str, list[Column]]:
    """CREATE TABLE for a random table: id INTEGER, then one or two INTEGER and TEXT columns, shuffled."""
    columns = [Column("id", "INTEGER", name)]
    extra = [Column(f"n{i}", "INTEGER", name) for i in range(1, rng.randint(2, 3))]
    extra += [Column(f"s{i}", "TEXT", name) for i in range(1, rng.randint(2, 3))]
    rng.shuffle(extra)
    columns += extra
    return f"CREATE TABLE {name} (" + ", ".join(f"{c.name} {c.type}" for c in columns) + ")", columns


# ---------------------------------------------------------------- joins


JOIN_TABLES = {
    "p": [("id", "INTEGER"), ("name", "TEXT"), ("grp", "INTEGER")],
    "c": [("id", "INTEGER"), ("pid", "INTEGER"), ("label", "TEXT"), ("qty", "INTEGER")],
    "g": [("gid", "INTEGER"), ("title", "TEXT")],
}


def join_rows(rng: random.Random) -> dict[str, list[tuple]]:
    """Parents with duplicate and NULL ids, children pointing at them, at nothing, or at NULL."""
    parents = []
    for i in range(rng.randint(6, 10)):
        pid = rng.choice([i, i, i, rng.randint(0, 5), None])
        parents.append((pid, rng.choice(TEXT_POOL + [None]), rng.choice([1, 2, 3, None])))
    children = []
    for i in range(rng.randint(12, 22)):
        children.append((100 + i, rng.choice(list(range(0, 12)) + [None, None]), random_value(rng, "TEXT"), random_value(rng, "INTEGER")))
    groups = [(g, rng.choice(TEXT_POOL)) for g in (1, 2, 2, 3, 4)]
    return {"p": parents, "c": children, "g": groups}


def join_setup(rng: random.Random) -> list[str]:
    statements = []
    rows = join_rows(rng)
    for table, columns in JOIN_TABLES.items():
        statements.append(f"CREATE TABLE {table} (" + ", ".join(f"{n} {t}" for n, t in columns) + ")")
        statements += insert_statements(rng, table, [n for n, _ in columns], rows[table])
    return statements


def random_join_query(rng: random.Random, **rates) -> Query:
    tables = ["p", "c"] if rng.random() < 0.6 else ["c", "p"]
    three = rng.random() < 0.15
    if three:
        tables = ["p", "c", "g"]
    aliases = {t: t for t in tables}
    if rng.random() < 0.4:
        aliases = {t: {"p": "par", "c": "ch", "g": "grp_t"}[t] for t in tables}
    columns = [Column(n, ty, aliases[t]) for t in tables for n, ty in JOIN_TABLES[t]]
    ambiguous = {"id"}

    def qualify(column: Column) -> bool:
        return column.name in ambiguous or rng.random() < 0.5

    def ref(table: str) -> str:
        if aliases[table] == table:
            return table
        return f"{table} {'AS ' if rng.random() < 0.5 else ''}{aliases[table]}"

    p, c = aliases["p"], aliases["c"]
    on = rng.choice([f"{p}.id = {c}.pid", f"{c}.pid = {p}.id"])
    roll = rng.random()
    if roll < 0.15:
        on += f" AND {c}.qty > {rng.choice([-1, 0, 9])}"
    elif roll < 0.22:
        on = f"{p}.grp < {c}.qty"
    join_word = rng.choice(["JOIN", "INNER JOIN", "join"])
    from_sql = f"{ref(tables[0])} {join_word} {ref(tables[1])} ON {on}"
    if three:
        from_sql += f" JOIN {ref('g')} ON {aliases['g']}.gid = {p}.grp"
    return random_select(rng, from_sql, columns, qualify, depth=2, **rates)
