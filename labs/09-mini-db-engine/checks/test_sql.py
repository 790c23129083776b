"""Hidden checks: the SQL subset, on small hand-written cases whose answers are known."""

from __future__ import annotations

import sqlite3

import minidb
from dbcheck import normalise, shown


def _db(tmp_path, name="db"):
    return minidb.connect(str(tmp_path / f"{name}.db"))


def _rows(db, sql):
    try:
        result = db.execute(sql)
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"minidb raised {type(error).__name__}: {error}\non: {sql}") from error
    rows, problem = normalise(result)
    assert rows is not None, f"{problem}\non: {sql}"
    return rows


def _expect(db, sql, expected, why=""):
    got = _rows(db, sql)
    assert got == expected, (
        f"on: {sql}\nexpected {shown(expected)}\ngot      {shown(got)}" + (f"\n{why}" if why else "")
    )


def _sqlite(setup):
    lite = sqlite3.connect(":memory:", isolation_level=None)
    for statement in setup:
        lite.execute(statement)
    return lite


def test_create_insert_select(tmp_path):
    db = _db(tmp_path)
    assert _rows(db, "CREATE TABLE items (id INTEGER, name TEXT, qty INTEGER)") == [], "CREATE TABLE must return []"
    assert _rows(db, "INSERT INTO items VALUES (1, 'tea', 5), (2, 'milk', NULL)") == [], "INSERT must return []"
    _expect(db, "SELECT * FROM items", [(1, "tea", 5), (2, "milk", None)])
    _expect(db, "SELECT qty, id FROM items", [(5, 1), (None, 2)], "The columns come in the order of the select list.")
    db.execute("insert into ITEMS (qty, id) values (7, 3)")
    _expect(db, "SELECT id, name, qty FROM items WHERE id = 3", [(3, None, 7)],
            "INSERT with a column list stores the values in the named columns and NULL in the others; "
            "keywords and names are case-insensitive.")
    _expect(db, "sElEcT Name FrOm Items WhErE ID = 1", [("tea",)], "Keywords and identifiers are case-insensitive.")
    _expect(db, "SELECT name FROM items ORDER BY qty DESC", [(None,), ("tea",), ("milk",)],
            "ORDER BY may use a column that is not selected; NULL sorts last with DESC.")
    _expect(db, "SELECT id FROM items LIMIT 0", [])
    _expect(db, "SELECT id FROM items WHERE id > 100", [])
    _expect(db, "SELECT i2.id, name FROM items AS i2 WHERE i2.id = 2", [(2, "milk")], "A table alias qualifies columns.")
    db.execute("CREATE TABLE empty (a INTEGER)")
    _expect(db, "SELECT * FROM empty", [])
    got = _rows(db, "INSERT INTO empty VALUES (1); INSERT INTO empty VALUES (2); SELECT a FROM empty ORDER BY a DESC;")
    assert got == [(2,), (1,)], (
        "execute() runs every statement of a script and returns the rows of the last one: on "
        f"'INSERT ...; INSERT ...; SELECT a FROM empty ORDER BY a DESC;' expected [(2,), (1,)], got {got!r}"
    )
    assert _rows(db, ";;") == [], "a script with no statement returns []"
    result = db.execute("SELECT id, name FROM items WHERE id = 1")
    assert isinstance(result, list) and result and isinstance(result[0], tuple), (
        f"execute() must return a list of tuples, got {result!r}"
    )
    db.close()


def test_string_literals(tmp_path):
    db = _db(tmp_path)
    db.execute("CREATE TABLE s (id INTEGER, v TEXT)")
    values = ["it's", "'", "''", "", "a;b", "semi; -- not a comment", "back\\slash", "SELECT * FROM s",
              "  spaced  ", "ünïcödé ✓", "new\nline", "NULL", "O'Neil's"]
    for i, value in enumerate(values):
        sql = f"INSERT INTO s VALUES ({i}, '{value.replace(chr(39), chr(39) * 2)}')"
        try:
            db.execute(sql)
        except Exception as error:  # noqa: BLE001
            raise AssertionError(
                f"minidb raised {type(error).__name__}: {error}\non: {sql}\n"
                "Inside a string literal, two single quotes '' stand for one quote; nothing else is special."
            ) from error
    _expect(db, "SELECT v FROM s ORDER BY id", [(v,) for v in values],
            "Strings come back exactly as written, with each '' turned into one '.")
    _expect(db, "SELECT id FROM s WHERE v = 'it''s'", [(0,)])
    _expect(db, "SELECT id FROM s WHERE v = ''''", [(1,)], "'''' is a string of one quote.")
    _expect(db, "SELECT id FROM s WHERE v = ''", [(3,)], "'' is the empty string, not NULL.")
    _expect(db, "SELECT id FROM s WHERE v = 'NULL'", [(11,)], "'NULL' is a string; NULL without quotes is the null value.")
    _expect(db, "SELECT id FROM s WHERE v IS NULL", [])
    db.close()


def test_null_semantics(tmp_path):
    setup = [
        "CREATE TABLE n (id INTEGER, a INTEGER, b TEXT)",
        "INSERT INTO n VALUES (1, 1, 'x'), (2, NULL, 'x'), (3, 1, NULL), (4, NULL, NULL), (5, 2, 'y')",
    ]
    cases = [
        ("SELECT id FROM n WHERE a = NULL", "a = NULL is unknown for every row, never true: use IS NULL."),
        ("SELECT id FROM n WHERE a <> NULL", "a <> NULL is unknown for every row."),
        ("SELECT id FROM n WHERE a IS NULL", "IS NULL is true exactly for the NULLs."),
        ("SELECT id FROM n WHERE a IS NOT NULL", "IS NOT NULL is true exactly for the non-NULLs."),
        ("SELECT id FROM n WHERE a <> 1", "NULL <> 1 is unknown, so rows 2 and 4 are not returned."),
        ("SELECT id FROM n WHERE NOT a = 1", "NOT unknown is unknown: rows with a NULL are not returned."),
        ("SELECT id FROM n WHERE NOT (a = 1 AND b = 'x')", "(NULL = 1) AND ('x' = 'x') is unknown, and so is its NOT."),
        ("SELECT id FROM n WHERE a = 1 OR b IS NULL", "true OR anything is true."),
        ("SELECT id FROM n WHERE a = 2 OR b = 'x'", "unknown OR true is true; unknown OR false is unknown."),
        ("SELECT id FROM n WHERE NOT (a = 2 OR b = 'z')", "NOT (unknown OR false) is unknown."),
        ("SELECT id FROM n WHERE a = 1 AND NOT b = 'y'", "true AND NOT unknown is unknown."),
        ("SELECT x.id, y.id FROM n x JOIN n y ON x.a = y.a", "A NULL join key matches nothing, not even another NULL."),
        ("SELECT x.id, y.id FROM n x JOIN n y ON x.b = y.b AND x.id < y.id", "A NULL join key matches nothing."),
    ]
    db = _db(tmp_path)
    lite = _sqlite(setup)
    for statement in setup:
        db.execute(statement)
    for sql, why in cases:
        expected = sorted(lite.execute(sql).fetchall())
        got = sorted(_rows(db, sql))
        assert got == expected, f"on: {sql}\nexpected {expected} (in any order)\ngot      {got}\n{why}"
    _expect(db, "SELECT id FROM n ORDER BY a, id", [(2,), (4,), (1,), (3,), (5,)], "NULLs sort first in ascending order.")
    _expect(db, "SELECT id FROM n ORDER BY a DESC, id DESC", [(5,), (3,), (1,), (4,), (2,)], "NULLs sort last in descending order.")
    _expect(db, "SELECT id FROM n ORDER BY b DESC, a", [(5,), (2,), (1,), (4,), (3,)], "NULLs sort last in descending order.")
    db.close()


def test_values_compare_by_type(tmp_path):
    db = _db(tmp_path)
    db.execute("CREATE TABLE v (n INTEGER, s TEXT)")
    db.execute("INSERT INTO v VALUES (9, '9'), (10, '10'), (-3, '-3'), (100, '100'), (2, '2'), "
               "(-20, '-20'), (1099511627776, '1099511627776')")
    _expect(db, "SELECT n FROM v ORDER BY n", [(-20,), (-3,), (2,), (9,), (10,), (100,), (1099511627776,)],
            "INTEGER values sort as numbers: -20 < -3 < 2 < 9 < 10, not as text.")
    _expect(db, "SELECT n FROM v WHERE n > 9 ORDER BY n DESC", [(1099511627776,), (100,), (10,)], "10 > 9 as integers.")
    _expect(db, "SELECT n FROM v WHERE n < -3", [(-20,)], "-20 < -3 as integers.")
    _expect(db, "SELECT n FROM v WHERE n >= 2 AND n <= 10 ORDER BY n", [(2,), (9,), (10,)])
    _expect(db, "SELECT s FROM v ORDER BY s", [("-20",), ("-3",), ("10",), ("100",), ("1099511627776",), ("2",), ("9",)],
            "TEXT values sort character by character (by code point): '10' < '9'.")
    _expect(db, "SELECT s FROM v WHERE s > '9'", [], "No string here is greater than '9'.")
    _expect(db, "SELECT n FROM v WHERE s < '2' ORDER BY n", [(-20,), (-3,), (10,), (100,), (1099511627776,)],
            "As text, '10' and '100' are less than '2'.")
    db.execute("CREATE TABLE w (k TEXT)")
    db.execute("INSERT INTO w VALUES ('b'), ('B'), ('a'), ('A'), ('é'), ('ab'), ('')")
    _expect(db, "SELECT k FROM w ORDER BY k", [("",), ("A",), ("B",), ("a",), ("ab",), ("b",), ("é",)],
            "Text compares by code point (SQLite's BINARY collation): upper case before lower case, '' first.")
    db.close()


SYNTAX_ERRORS = [
    # (sql, where the error is: a substring whose first occurrence is the position, or None for the end)
    ("SELECT * FROM t WHERE name = 'abc", "'abc", "an unterminated string is an error at its opening quote"),
    ("SELECT * FROM t WHERE name = 'it''s", "'it", "'' inside a string is an escaped quote, so this string never ends"),
    ("SELECT * FROM t WHERE id = 1 # 2", "#", "'#' is not a token"),
    ("SELECT * FROM t WHERE id = 12abc", "12abc", "a number directly followed by a letter is malformed"),
    ("SELECT * FRM t", "FRM", "FROM was expected"),
    ("SELECT a, FROM t", "FROM", "a column was expected after ','"),
    ("SELECT FROM t", "FROM", "a column or * was expected"),
    ("CREATE TABLE t (a INTEGER, b TEXT", None, "')' was expected at the end"),
    ("CREATE TABLE t (a FLOAT)", "FLOAT", "the only types are INTEGER and TEXT"),
    ("CREATE TABLE (a INTEGER)", "(", "a table name was expected"),
    ("INSERT INTO t VALUES (1, 'x'", None, "')' was expected at the end"),
    ("INSERT INTO t VALUES (1, 2) (3, 4)", "(3", "',' or the end of the statement was expected"),
    ("INSERT INTO t VALUES (1, id)", "id", "VALUES holds values, not columns"),
    ("INSERT t VALUES (1)", "t", "INTO was expected"),
    ("SELECT * FROM t ORDER name", "name", "BY was expected"),
    ("SELECT * FROM t WHERE a = = 1", "= 1", "an operand was expected after '='"),
    ("SELECT * FROM t WHERE a IS 1", "1", "IS must be followed by NULL or NOT NULL"),
    ("SELECT * FROM t WHERE (a = 1", None, "')' was expected at the end"),
    ("SELECT * FROM t WHERE a > 1 AND", None, "an expression was expected after AND"),
    ("SELECT * FROM t LIMIT ten", "ten", "LIMIT takes a number"),
    ("select * from t limit 5 offset", None, "OFFSET takes a number"),
    ("SELECT * FROM t t2 t3", "t3", "one alias at most"),
    ("SELECT * FROM a JOIN b WHERE a.id = 1", "WHERE", "JOIN needs ON"),
    ("SELECT * FROM t; DROP TABLE t", "DROP", "only CREATE, INSERT and SELECT are statements"),
    ("SELECT * FROM t WHERE a", None, "a condition needs a comparison or IS"),
]


def test_syntax_errors(tmp_path):
    db = _db(tmp_path)
    for sql, marker, why in SYNTAX_ERRORS:
        position = len(sql) if marker is None else sql.index(marker)
        try:
            db.execute(sql)
        except minidb.SQLError as error:
            got = getattr(error, "position", "missing")
            assert got == position, (
                f"on: {sql}\nexpected SQLError at position {position} "
                f"({'the end of the text' if marker is None else repr(sql[position:position + 8])}), "
                f"got position {got!r} ({error})\nWhy: {why}. Positions are 0-based character offsets."
            )
        except Exception as error:  # noqa: BLE001
            raise AssertionError(f"on: {sql}\nexpected minidb.SQLError, got {type(error).__name__}: {error}") from error
        else:
            raise AssertionError(f"on: {sql}\nexpected minidb.SQLError at position {position}, but it ran ({why})")
    try:
        db.execute("CREATE TABLE first (a INTEGER); SELECT * FRM first")
    except minidb.SQLError:
        pass
    else:
        raise AssertionError("CREATE TABLE first (a INTEGER); SELECT * FRM first: expected minidb.SQLError")
    try:
        db.execute("CREATE TABLE first (a INTEGER)")
    except minidb.SQLError as error:
        raise AssertionError(
            "a script with a syntax error must run nothing: after 'CREATE TABLE first (a INTEGER); SELECT * FRM first' "
            f"failed, CREATE TABLE first should succeed, but it raised: {error}"
        ) from error
    db.close()


def test_semantic_errors(tmp_path):
    db = _db(tmp_path)
    db.execute("CREATE TABLE t (id INTEGER, name TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')")
    db.execute("CREATE TABLE u (id INTEGER, t_id INTEGER)")
    db.execute("INSERT INTO u VALUES (10, 1), (20, 2)")
    cases = [
        ("SELECT * FROM missing", "no such table"),
        ("INSERT INTO missing VALUES (1)", "no such table"),
        ("CREATE TABLE t (x INTEGER)", "table t already exists"),
        ("CREATE TABLE d (a INTEGER, A TEXT)", "duplicate column (names are case-insensitive)"),
        ("SELECT nope FROM t", "no such column"),
        ("SELECT * FROM t WHERE nope = 1", "no such column"),
        ("SELECT id FROM t ORDER BY nope", "no such column"),
        ("SELECT id FROM t JOIN u ON t.id = u.t_id", "ambiguous column: id is in both t and u"),
        ("SELECT x.id FROM t JOIN u ON t.id = u.t_id", "no table or alias x in the query"),
        ("SELECT t.id FROM t AS a", "t has the alias a: columns are qualified by a"),
        ("INSERT INTO t VALUES (3)", "1 value for 2 columns"),
        ("INSERT INTO t VALUES (3, 'x', 4)", "3 values for 2 columns"),
        ("INSERT INTO t (id, nope) VALUES (3, 'x')", "no such column"),
        ("INSERT INTO t VALUES ('three', 'x')", "a TEXT value in an INTEGER column"),
        ("INSERT INTO t VALUES (3, 3)", "an INTEGER value in a TEXT column"),
        ("SELECT * FROM t WHERE id = 'one'", "comparing an INTEGER with a TEXT"),
        ("SELECT * FROM t WHERE name < 3", "comparing a TEXT with an INTEGER"),
    ]
    for sql, why in cases:
        try:
            db.execute(sql)
        except minidb.SQLError:
            continue
        except Exception as error:  # noqa: BLE001
            raise AssertionError(f"on: {sql}\nexpected minidb.SQLError ({why}), got {type(error).__name__}: {error}") from error
        raise AssertionError(f"on: {sql}\nexpected minidb.SQLError ({why}), but it ran")
    _expect(db, "SELECT id, name FROM t ORDER BY id", [(1, "one"), (2, "two")],
            "Statements that failed must leave the table as it was.")
    _expect(db, "SELECT t.id, u.id FROM t JOIN u ON t.id = u.t_id ORDER BY t.id", [(1, 10), (2, 20)])
    db.close()
