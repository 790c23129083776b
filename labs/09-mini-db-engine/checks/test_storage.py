"""Hidden checks: page-based storage, durability across restarts, atomic statements, crash recovery."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import minidb
from dbcheck import cli_rows, insert_sql, normalise, run_cli, shown

PAGE = 4096
HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crashhook.py")


def _rows(db, sql):
    rows, problem = normalise(db.execute(sql))
    assert rows is not None, f"{problem}\non: {sql}"
    return rows


def _size(path) -> int:
    return os.path.getsize(path)


def _assert_paged(path, db=None, when=""):
    size = _size(path)
    assert size % PAGE == 0, f"{when}the database file is {size} bytes, not a whole number of {PAGE}-byte pages"
    if db is not None:
        count = db.page_count
        assert count == size // PAGE, (
            f"{when}page_count is {count!r} but the file holds {size // PAGE} pages ({size} bytes)"
        )


def test_page_storage(tmp_path):
    path = str(tmp_path / "paged.db")
    db = minidb.connect(path)
    _assert_paged(path, db, "a new database: ")
    assert db.page_count >= 1, f"a new database has at least its header page, page_count is {db.page_count}"
    db.execute("CREATE TABLE wide (id INTEGER, body TEXT)")
    db.execute("CREATE TABLE other (k INTEGER)")
    empty_pages = db.page_count
    rng = random.Random(4242)
    markers = []
    for batch in range(20):
        rows = []
        for i in range(batch * 60, batch * 60 + 60):
            marker = f"<row-{i:05d}>"
            markers.append(marker)
            rows.append((i, marker + "".join(rng.choice("abcdefghij") for _ in range(rng.randint(150, 190)))))
        db.execute(insert_sql("wide", rows))
        db.execute(f"INSERT INTO other VALUES ({batch})")
        _assert_paged(path, db, f"after {batch + 1} INSERT statements: ")
    payload = sum(len(m) + 170 for m in markers)  # about the bytes of text stored
    used = db.page_count - empty_pages
    low, high = payload // PAGE, 2 * payload // PAGE + 6
    assert low <= used <= high, (
        f"1200 rows of about 190 bytes each (about {payload // 1024} KiB) took {used} new pages; expected between "
        f"{low} and {high}. Pack many rows into each {PAGE}-byte page (slotted pages), and start a new page only "
        "when the last one is full."
    )
    got = _rows(db, "SELECT id FROM wide WHERE id >= 1195 ORDER BY id")
    assert got == [(i,) for i in range(1195, 1200)], f"SELECT id FROM wide WHERE id >= 1195 ORDER BY id gave {shown(got)}"
    db.close()
    _assert_paged(path, None, "after close: ")

    data = open(path, "rb").read()
    for marker in markers:
        encoded = marker.encode()
        at = data.find(encoded)
        assert at >= 0, (
            f"the text {marker!r} of an inserted row is not in the database file: store TEXT as plain UTF-8 in the "
            "row's record, in the file itself"
        )
        while at >= 0:
            assert at // PAGE == (at + len(encoded) - 1) // PAGE, (
                f"the row starting with {marker!r} crosses the boundary between pages {at // PAGE} and "
                f"{at // PAGE + 1} (byte offset {at}): a record must lie inside one page"
            )
            at = data.find(encoded, at + 1)
    reopened = minidb.connect(path)
    count = len(_rows(reopened, "SELECT id FROM wide"))
    assert count == 1200, f"after reopening, SELECT id FROM wide returned {count} rows, expected 1200"
    reopened.close()


def test_data_survives_restart(tmp_path):
    path = str(tmp_path / "restart.db")
    rng = random.Random(77)
    people = [(i, rng.choice(["ann", "bob", "O'Hara", "zoë", None]), rng.randint(-1000, 1000)) for i in range(300)]
    script = ["CREATE TABLE people (id INTEGER, name TEXT, score INTEGER)", "CREATE TABLE tags (pid INTEGER, tag TEXT)"]
    script += [insert_sql("people", people[i:i + 50]) for i in range(0, 300, 50)]
    script += [insert_sql("tags", [(i, f"tag;{i % 7}") for i in range(0, 300, 3)])]
    first = run_cli(path, ";\n".join(script) + ";\n")
    assert first.returncode == 0, (
        f"python -m minidb {os.path.basename(path)} exited with {first.returncode} on a script of CREATE TABLE and INSERTs; "
        f"stderr: {first.stderr.strip()[-500:]}"
    )
    _assert_paged(path, None, "after the first process: ")

    second = run_cli(path, "SELECT id, name, score FROM people ORDER BY id;\nSELECT pid, tag FROM tags WHERE pid < 10 ORDER BY pid;\n")
    assert second.returncode == 0, f"a second process could not read the database: {second.stderr.strip()[-500:]}"
    results = cli_rows(second.stdout)
    assert len(results) == 2, f"a second process ran 2 SELECTs but printed {len(results)} 'ok' lines: {second.stdout[:300]!r}"
    assert results[0] == people, (
        f"a second process reads {len(results[0])} people, expected the 300 the first one inserted: "
        f"expected {shown(people, 4)}, got {shown(results[0], 4)}"
    )
    assert results[1] == [(0, "tag;0"), (3, "tag;3"), (6, "tag;6"), (9, "tag;2")], f"tags read by a second process: {results[1]}"

    third = run_cli(path, "INSERT INTO people VALUES (300, 'late', 1);\n")
    assert third.returncode == 0, f"a third process could not insert: {third.stderr.strip()[-500:]}"
    db = minidb.connect(path)
    got = _rows(db, "SELECT id, name FROM people WHERE id >= 298 ORDER BY id")
    assert got == [(298, people[298][1]), (299, people[299][1]), (300, "late")], (
        f"after three processes, SELECT id, name FROM people WHERE id >= 298 ORDER BY id gave {got}"
    )
    db.execute("INSERT INTO tags VALUES (300, 'in-process')")
    db.close()
    db = minidb.connect(path)
    got = _rows(db, "SELECT tag FROM tags WHERE pid = 300")
    assert got == [("in-process",)], f"a row inserted before close() is gone after reopening: got {got}"
    db.close()


def test_statement_atomic(tmp_path):
    path = str(tmp_path / "atomic.db")
    db = minidb.connect(path)
    db.execute("CREATE TABLE t (id INTEGER, body TEXT)")
    db.execute(insert_sql("t", [(i, "keep" * 20) for i in range(10)]))
    pages = db.page_count
    size = _size(path)
    big = [(i, "lost" * 40) for i in range(100, 400)] + [("bad", "the last row does not fit the INTEGER column")]
    try:
        db.execute(insert_sql("t", big))
    except minidb.SQLError:
        pass
    else:
        raise AssertionError("inserting 'bad' into the INTEGER column id must raise minidb.SQLError")
    got = _rows(db, "SELECT id FROM t WHERE id >= 100")
    assert got == [], (
        f"an INSERT of 301 rows whose last row was invalid left {len(got)} of its rows behind: a statement is atomic, "
        "all of its rows or none"
    )
    assert db.page_count == pages and _size(path) == size, (
        f"the failed INSERT changed the file: {pages} pages / {size} bytes before, {db.page_count} / {_size(path)} after"
    )
    too_big = [(i, "gone" * 40) for i in range(500, 700)] + [(700, "x" * 5000)]
    try:
        db.execute(insert_sql("t", too_big))
    except minidb.SQLError:
        pass
    else:
        raise AssertionError("inserting a row with a 5000-byte string must raise minidb.SQLError: a row must fit in one page")
    got = _rows(db, "SELECT id FROM t WHERE id >= 100")
    assert got == [], (
        f"an INSERT of 201 rows whose last row was too large for a page left {len(got)} of its rows behind: "
        "a statement is atomic, all of its rows or none"
    )
    db.execute("INSERT INTO t VALUES (10, 'after')")
    got = _rows(db, "SELECT id FROM t WHERE id >= 10 ORDER BY id")
    assert got == [(10,)], (
        f"after a failed INSERT and a good one, the table holds ids >= 10: {shown(got)}; expected [(10,)]. "
        "The failed statement's changes must be thrown away, not committed with the next statement."
    )
    try:
        db.execute("INSERT INTO t VALUES (11, 'a'); INSERT INTO t VALUES (12); INSERT INTO t VALUES (13, 'c')")
    except minidb.SQLError:
        pass
    else:
        raise AssertionError("INSERT INTO t VALUES (12) (one value for two columns) must raise minidb.SQLError")
    got = _rows(db, "SELECT id FROM t WHERE id > 10 ORDER BY id")
    assert got == [(11,)], (
        "in a script, the statements before a failing one stay committed and the ones after it do not run: "
        f"expected ids [(11,)], got {got}"
    )
    db.close()
    db = minidb.connect(path)
    got = _rows(db, "SELECT id FROM t ORDER BY id")
    assert got == [(i,) for i in range(12)], f"after reopening, the ids are {shown(got)}; expected 0 to 11"
    db.close()


# ---------------------------------------------------------------- crash


def _crash_script():
    rng = random.Random(9090)
    statements = ["CREATE TABLE log (id INTEGER, batch INTEGER, payload TEXT)"]
    batches = []
    next_id = 0
    for batch in range(40):
        rows = []
        for _ in range(40):
            payload = f"b{batch:02d}:" + "".join(rng.choice("xyz'") for _ in range(rng.randint(80, 140)))
            rows.append((next_id, batch, payload))
            next_id += 1
        batches.append(rows)
        statements.append(insert_sql("log", rows))
    return statements, batches


def _run_hooked(db, crash_at, mode, script, tmp_path):
    """Runs the script through the crash hook; (process, number of writes, or None if it was killed)."""
    count_file = str(tmp_path / f"writes-{crash_at}-{mode}.txt")
    proc = subprocess.run(
        [sys.executable, HOOK, db, count_file, str(crash_at), mode],
        input=script, capture_output=True, text=True, timeout=60, cwd=os.getcwd(),
    )
    writes = None
    if os.path.exists(count_file):  # written at a normal exit only
        writes = int(open(count_file).read() or 0)
    return proc, writes


def test_crash_mid_insert(tmp_path):
    statements, batches = _crash_script()
    script = ";\n".join(statements) + ";\n"
    counting = str(tmp_path / "count.db")
    proc, writes = _run_hooked(counting, 0, "clean", script, tmp_path)
    assert proc.returncode == 0, (
        f"python -m minidb exited with {proc.returncode} on a script of 41 statements; stderr: {proc.stderr.strip()[-400:]}"
    )
    assert writes and writes >= len(statements), (
        f"running the script wrote to the database file only {writes} times, for {len(statements)} statements. Write "
        "the database (and any journal or log, named by adding a suffix to the database's path) with open() or os.write."
    )
    rng = random.Random(31337)
    points = sorted({max(2, int(writes * f) + rng.randint(0, 3)) for f in (0.12, 0.27, 0.41, 0.5, 0.63, 0.78, 0.9)})
    for n, crash_at in enumerate(points):
        mode = "torn" if n % 2 == 0 else "clean"
        db = str(tmp_path / f"crash-{crash_at}.db")
        proc, finished = _run_hooked(db, crash_at, mode, script, tmp_path)
        acked = proc.stdout.splitlines().count("ok")
        killed = finished is None
        where = (f"the process was killed at write {crash_at} of {writes} "
                 f"({'half of that write reached the file' if mode == 'torn' else 'just before that write'}), "
                 f"after {acked} statements printed ok")
        if not killed:
            where = f"the process was meant to be killed at write {crash_at} of {writes} but exited with {proc.returncode}"
        committed_batches = max(acked - 1, 0)  # the first statement is the CREATE TABLE
        try:
            recovered = minidb.connect(db)
        except Exception as error:  # noqa: BLE001
            raise AssertionError(f"{where}; then minidb.connect() raised {type(error).__name__}: {error}") from error
        try:
            try:
                rows = recovered.execute("SELECT id, batch, payload FROM log ORDER BY id")
            except minidb.SQLError as error:
                if acked == 0 and "log" in str(error).lower():
                    rows = []  # the CREATE TABLE itself never committed
                else:
                    raise AssertionError(f"{where}; then SELECT * FROM log raised {type(error).__name__}: {error}") from error
            except Exception as error:  # noqa: BLE001
                raise AssertionError(f"{where}; then SELECT * FROM log raised {type(error).__name__}: {error}") from error
            rows = [tuple(row) for row in rows]
            allowed = [committed_batches, committed_batches + 1] if killed else [len(batches)]
            options = {k: [row for batch in batches[:k] for row in batch] for k in allowed if k <= len(batches)}
            if rows not in options.values():
                expected = options[committed_batches] if killed else options[len(batches)]
                torn = [row for row in rows if row not in expected]
                detail = (f"rows that were never committed or are torn: {shown(torn, 3)}" if torn else
                          f"committed rows are missing: {len(expected) - len(rows)} of the first {len(expected)}")
                raise AssertionError(
                    f"{where}. After recovery the table log holds {len(rows)} rows; it must hold every row of the "
                    f"{committed_batches} INSERTs that printed ok (or of one more, if the kill came after its commit) "
                    f"and nothing else: {sum(len(b) for b in batches[:committed_batches])} or "
                    f"{sum(len(b) for b in batches[:committed_batches + 1])} rows. {detail}"
                )
            _assert_paged(db, recovered, f"{where}; after recovery ")
            if acked:
                try:
                    recovered.execute("INSERT INTO log VALUES (-1, -1, 'after the crash')")
                    got = [tuple(row) for row in recovered.execute("SELECT payload FROM log WHERE id = -1")]
                except Exception as error:  # noqa: BLE001
                    raise AssertionError(
                        f"{where}. After recovery the rows were right, but the next INSERT raised "
                        f"{type(error).__name__}: {error}. The file still holds part of the interrupted statement "
                        "(the catalog or a page chain points at pages it never finished writing)."
                    ) from error
                assert got == [("after the crash",)], f"{where}; after recovery an INSERT and SELECT gave {got}"
        finally:
            recovered.close()
