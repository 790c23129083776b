"""Hidden checks: seeded random scripts run on minidb and on sqlite3 (in memory), results compared.

A query whose ORDER BY covers every selected column must match sqlite3 row for row; otherwise the rows
must match as a multiset (and be sorted by the ORDER BY keys there are). The first mismatch fails the
check with the query, both results, and the whole script saved under check-output/.
"""

from __future__ import annotations

import random

import generators as gen
from dbcheck import Pair


def _table_script(pair: Pair, rng: random.Random, name: str = "t"):
    create, columns = gen.single_table(rng, name)
    pair.run(create)
    rows = gen.random_rows(rng, [c.type for c in columns], rng.randint(18, 30))
    for statement in gen.insert_statements(rng, name, [c.name for c in columns], rows):
        pair.run(statement)
    return columns


def test_where_matches_sqlite(tmp_path):
    for seed in (901, 902, 903):
        rng = random.Random(seed)
        pair = Pair(tmp_path / f"where-{seed}.db", "where-matches-sqlite")
        try:
            columns = _table_script(pair, rng)
            for _ in range(70):
                pair.check(gen.random_select(rng, "t", columns, lambda c: rng.random() < 0.2,
                                             where_rate=1.0, order_rate=0.0, limit_rate=0.0))
        finally:
            pair.close()


def test_order_limit_matches_sqlite(tmp_path):
    for seed in (911, 912, 913):
        rng = random.Random(seed)
        pair = Pair(tmp_path / f"order-{seed}.db", "order-limit-matches-sqlite")
        try:
            columns = _table_script(pair, rng)
            for _ in range(70):
                pair.check(gen.random_select(rng, "t", columns, lambda c: rng.random() < 0.2,
                                             where_rate=0.4, order_rate=1.0, limit_rate=0.5, depth=2))
        finally:
            pair.close()


def test_join_matches_sqlite(tmp_path):
    for seed in (921, 922, 923):
        rng = random.Random(seed)
        pair = Pair(tmp_path / f"join-{seed}.db", "join-matches-sqlite")
        try:
            for statement in gen.join_setup(rng):
                pair.run(statement)
            for _ in range(60):
                pair.check(gen.random_join_query(rng, where_rate=0.4, order_rate=0.5, limit_rate=0.3))
        finally:
            pair.close()


def test_random_scripts_match_sqlite(tmp_path):
    """Tables grow between queries, and the database is closed and reopened along the way."""
    for seed in (931, 932, 933, 934):
        rng = random.Random(seed)
        pair = Pair(tmp_path / f"script-{seed}.db", "random-scripts-match-sqlite")
        try:
            tables = {}
            for name in ("t1", "t2"):
                create, columns = gen.single_table(rng, name)
                pair.run(create)
                tables[name] = columns
            for statement in gen.join_setup(rng):
                pair.run(statement)
            for step in range(90):
                roll = rng.random()
                if roll < 0.3:
                    name = rng.choice(list(tables))
                    columns = tables[name]
                    rows = gen.random_rows(rng, [c.type for c in columns], rng.randint(1, 8))
                    for statement in gen.insert_statements(rng, name, [c.name for c in columns], rows):
                        pair.run(statement)
                elif roll < 0.75:
                    name = rng.choice(list(tables))
                    pair.check(gen.random_select(rng, name, tables[name], lambda c: rng.random() < 0.2,
                                                 where_rate=0.7, order_rate=0.6, limit_rate=0.4))
                else:
                    pair.check(gen.random_join_query(rng, where_rate=0.5, order_rate=0.5, limit_rate=0.3))
                if step % 25 == 24:
                    pair.reopen()
        finally:
            pair.close()
