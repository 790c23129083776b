"""Hidden checks for the commands and the RESP protocol (lab 02, kv-store).

Each test starts the learner's server (python -m kvstore.server) on a free
loopback port and a fresh data folder, and talks to it with redis-py, the
real redis-cli, or a raw socket when the exact bytes matter.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import time

import pytest
import redis

from kvharness import ErrorReply, command_text, encode_command


def _call(server, label, action):
    """Run one redis-py call; a dropped connection or an error reply becomes a readable value."""
    try:
        return action()
    except redis.ResponseError as exc:
        return ErrorReply(str(exc))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise AssertionError(f"`{label}` did not get a reply: {exc}.{server.state()}") from None


def _run_script(server, r, steps):
    """Run (label, action, expected) steps in order; fail at the first reply that differs."""
    done = []
    for label, action, expected in steps:
        got = _call(server, label, action)
        assert got == expected, (
            f"`{label}` should return {expected!r}, got {got!r}"
            + (f" (after: {'; '.join(done[-6:])})" if done else "")
        )
        done.append(label)


def test_basic_commands(kv):
    server = kv()
    r = server.redis()
    _run_script(server, r, [
        ("PING", lambda: r.ping(), True),
        ("ECHO hello", lambda: r.echo("hello"), b"hello"),
        ("SET greeting hello", lambda: r.set("greeting", "hello"), True),
        ("GET greeting", lambda: r.get("greeting"), b"hello"),
        ("GET missing", lambda: r.get("missing"), None),
        ("SET greeting bonjour", lambda: r.set("greeting", "bonjour"), True),
        ("GET greeting", lambda: r.get("greeting"), b"bonjour"),
        ("EXISTS greeting missing greeting", lambda: r.exists("greeting", "missing", "greeting"), 2),
        ("INCR visits", lambda: r.incr("visits"), 1),
        ("INCR visits", lambda: r.incr("visits"), 2),
        ("GET visits", lambda: r.get("visits"), b"2"),
        ("SET balance -5", lambda: r.set("balance", "-5"), True),
        ("INCR balance", lambda: r.incr("balance"), -4),
        ("DBSIZE", lambda: r.dbsize(), 3),
        ("DEL greeting missing", lambda: r.delete("greeting", "missing"), 1),
        ("GET greeting", lambda: r.get("greeting"), None),
        ("EXISTS greeting", lambda: r.exists("greeting"), 0),
        ("DEL greeting", lambda: r.delete("greeting"), 0),
        ("DEL visits balance", lambda: r.delete("visits", "balance"), 2),
        ("DBSIZE", lambda: r.dbsize(), 0),
    ])


def test_exact_resp_replies(kv):
    server = kv()
    client = server.raw()
    cases = [
        (["PING"], b"+PONG\r\n", "a simple string"),
        (["ping"], b"+PONG\r\n", "a simple string: command names are case-insensitive"),
        (["PING", "hello"], b"$5\r\nhello\r\n", "a bulk string"),
        (["SET", "k", "v1"], b"+OK\r\n", "a simple string"),
        (["sEt", "k", "v2"], b"+OK\r\n", "a simple string: command names are case-insensitive"),
        (["GET", "k"], b"$2\r\nv2\r\n", "a bulk string"),
        (["GET", "nokey"], b"$-1\r\n", "the null bulk string (nil)"),
        (["SET", "empty", ""], b"+OK\r\n", "a simple string"),
        (["GET", "empty"], b"$0\r\n\r\n", "an empty bulk string, which is not nil"),
        (["ECHO", "two\r\nlines"], b"$10\r\ntwo\r\nlines\r\n", "a bulk string: its length says where it ends, not CRLF"),
        (["INCR", "n"], b":1\r\n", "an integer"),
        (["INCR", "n"], b":2\r\n", "an integer"),
        (["GET", "n"], b"$1\r\n2\r\n", "a bulk string: INCR stores the number as a string"),
        (["DEL", "k", "nokey"], b":1\r\n", "an integer: the number of keys deleted"),
        (["EXISTS", "k"], b":0\r\n", "an integer"),
        (["TTL", "nokey"], b":-2\r\n", "an integer: -2 for a missing key"),
        (["TTL", "n"], b":-1\r\n", "an integer: -1 for a key without a TTL"),
        (["DBSIZE"], b":2\r\n", "an integer"),
        (["GET"], b"-ERR wrong number of arguments for 'get' command\r\n", "an error"),
    ]
    for args, expected, kind in cases:
        got = client.command_bytes(*args)
        assert got == expected, f"`{command_text(args)}` should be answered with {kind}, the bytes {expected!r}; got {got!r}"


def test_errors_are_replies(kv):
    server = kv()
    client = server.raw()
    arity = "ERR wrong number of arguments for '{}' command"
    not_integer = "ERR value is not an integer or out of range"
    assert client.command("SET", "word", "abc") == "OK", "`SET word abc` should reply OK"
    cases = [
        (["FOO", "a", "b"], "ERR unknown command 'FOO'", "prefix"),
        (["GET"], arity.format("get"), "exact"),
        (["GET", "a", "b"], arity.format("get"), "exact"),
        (["SET", "k"], arity.format("set"), "exact"),
        (["DEL"], arity.format("del"), "exact"),
        (["INCR", "a", "b"], arity.format("incr"), "exact"),
        (["EXPIRE", "k"], arity.format("expire"), "exact"),
        (["TTL"], arity.format("ttl"), "exact"),
        (["INCR", "word"], not_integer, "exact"),
        (["SET", "k", "v", "EX", "soon"], not_integer, "exact"),
        (["SET", "k", "v", "EX", "0"], "ERR invalid expire time in 'set' command", "exact"),
        (["SET", "k", "v", "PX", "-5"], "ERR invalid expire time in 'set' command", "exact"),
        (["SET", "k", "v", "SOMETIMES"], "ERR syntax error", "exact"),
        (["SET", "k", "v", "EX", "10", "PX", "100"], "ERR syntax error", "exact"),
        (["SET", "k", "v", "EX"], "ERR syntax error", "exact"),
        (["EXPIRE", "word", "later"], not_integer, "exact"),
    ]
    for args, expected, match in cases:
        got = client.command(*args)
        ok = isinstance(got, ErrorReply) and (got.message.startswith(expected) if match == "prefix" else got.message == expected)
        wanted = f"an error starting with {expected!r}" if match == "prefix" else f"the error {expected!r}"
        assert ok, f"`{command_text(args)}` should be answered with {wanted}, got {got!r}"
        after = client.command("PING")
        assert after == "PONG", (
            f"after the error for `{command_text(args)}` the connection must go on working, but PING got {after!r}"
        )
    got = client.command("GET", "k")
    assert got is None, f"a SET rejected with an error must not change anything, but GET k returned {got!r}"
    got = client.command("GET", "word")
    assert got == b"abc", f"a failed INCR must not change the value, but GET word returned {got!r}"

    # Bytes that are not RESP: an error reply, then the server closes that connection (as Redis does).
    broken = server.raw()
    broken.send(b"*1\r\n$x\r\n", "the malformed request b'*1\\r\\n$x\\r\\n'")
    got = broken.read_reply()
    assert isinstance(got, ErrorReply) and got.message.startswith("ERR Protocol error"), (
        f"a malformed request (b'*1\\r\\n$x\\r\\n': the bulk length is not a number) should be answered with an "
        f"error starting with 'ERR Protocol error', got {got!r}"
    )
    assert broken.closed_by_server(within=3.0), "after a protocol error the server should close that connection"
    again = server.raw().command("PING")
    assert again == "PONG", f"after a protocol error on one connection, a new client's PING should get PONG, got {again!r}"


def _require_redis_cli():
    """Skipped (so the check could not run, which is not a verdict) when the real redis-cli is not on PATH."""
    if shutil.which("redis-cli") is None:
        pytest.skip(
            "this check talks to your server with the real redis-cli, which is not installed or not on PATH; "
            "install Redis's command-line tools (Debian and Ubuntu: sudo apt install redis-tools; Fedora: sudo dnf install redis; "
            "macOS: brew install redis) and run the checks again"
        )


def _redis_cli(server, *args, stdin=None, timeout=10):
    argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), *args]
    shown = "redis-cli -p PORT " + " ".join(repr(arg) if " " in arg else arg for arg in args)
    try:
        result = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`{shown}` did not finish within {timeout} s: the server never answered it.{server.state()}") from None
    return shown, (result.stdout + result.stderr).decode("utf-8", "replace").strip()


def test_redis_cli(kv):
    _require_redis_cli()
    server = kv()
    cases = [
        (["--no-raw", "PING"], "PONG"),
        (["SET", "city", "Lyon"], "OK"),
        (["--raw", "GET", "city"], "Lyon"),
        (["--no-raw", "GET", "city"], '"Lyon"'),
        (["--no-raw", "GET", "nowhere"], "(nil)"),
        (["SET", "two words", "a b c"], "OK"),
        (["--raw", "GET", "two words"], "a b c"),
        (["--no-raw", "INCR", "hits"], "(integer) 1"),
        (["--no-raw", "INCR", "hits"], "(integer) 2"),
        (["--no-raw", "EXISTS", "city", "nowhere"], "(integer) 1"),
        (["--no-raw", "EXPIRE", "city", "500"], "(integer) 1"),
        (["--no-raw", "TTL", "hits"], "(integer) -1"),
        (["--no-raw", "DEL", "city", "nowhere"], "(integer) 1"),
        (["--no-raw", "DBSIZE"], "(integer) 2"),
    ]
    for args, expected in cases:
        shown, got = _redis_cli(server, *args)
        assert got == expected, f"`{shown}` should print {expected!r}, printed {got!r}"
    shown, got = _redis_cli(server, "--no-raw", "TTL", "two words")
    assert got == "(integer) -1", f"`{shown}` should print '(integer) -1', printed {got!r}"
    shown, got = _redis_cli(server, "--no-raw", "FROBNICATE", "x")
    assert got.startswith("(error) ERR unknown command"), f"`{shown}` should print an error starting with \"(error) ERR unknown command\", printed {got!r}"
    shown, got = _redis_cli(server, "--no-raw", "GET")
    assert got == "(error) ERR wrong number of arguments for 'get' command", (
        f"`{shown}` should print \"(error) ERR wrong number of arguments for 'get' command\", printed {got!r}"
    )


def test_inline_commands(kv):
    server = kv()
    client = server.raw()
    cases = [
        (b"PING\r\n", [b"+PONG\r\n"], "an inline PING"),
        (b"SET inline:k hello\r\n", [b"+OK\r\n"], "an inline SET"),
        (b"GET inline:k\n", [b"$5\r\nhello\r\n"], "an inline GET ended by LF alone"),
        (b"\r\n\r\nEXISTS  inline:k \t inline:missing   inline:k\r\n", [b":2\r\n"],
         "two empty lines (ignored, no reply), then an inline EXISTS whose words are separated by several spaces and a tab"),
        (b"incr inline:n\r\n" + b"*2\r\n$3\r\nGET\r\n$8\r\ninline:n\r\n" + b"PING\r\n", [b":1\r\n", b"$1\r\n1\r\n", b"+PONG\r\n"],
         "an inline INCR, a RESP GET and an inline PING in one write"),
        (b"NOSUCH inline\r\n", [b"-ERR unknown command"], "an unknown inline command"),
    ]
    for data, wanted, what in cases:
        client.send(data, f"{what} ({data!r})")
        got = [client.read_reply_bytes() for _ in wanted]
        ok = all(g.startswith(w) if w.startswith(b"-") else g == w for g, w in zip(got, wanted))
        assert ok, (
            f"{what}, the bytes {data!r}, should be answered with {b''.join(wanted)!r}, got {b''.join(got)!r}. "
            "A request that does not start with '*' is an inline command: one line, split on spaces and tabs."
        )

    # An inline command cut in two: nothing may happen before its line is complete.
    client.send(b"SET inline:half wh", "the first half of an inline SET")
    assert not client.closed_by_server(within=0.3), "the server closed the connection while an inline command was still arriving"
    assert not client.buffer, f"half an inline command (b'SET inline:half wh') must not be answered yet, but the server sent {bytes(client.buffer)!r}"
    client.send(b"ole\r\n", "the rest of `SET inline:half whole`, sent in two pieces")
    got = client.read_reply_bytes()
    assert got == b"+OK\r\n", f"an inline SET sent in two pieces should be answered with b'+OK\\r\\n' once its line is complete, got {got!r}"
    got = client.command("GET", "inline:half")
    assert got == b"whole", f"after the inline `SET inline:half whole` sent in two pieces, GET inline:half should be b'whole', got {got!r}"


def _pipe_stream(count):
    """RESP for redis-cli --pipe: `count` SETs, two INCRs of a counter and two commands that must fail."""
    commands = [("SET", f"load:{i}", f"row-{i}:" + "p" * (i % 50)) for i in range(count)]
    commands[count // 2:count // 2] = [("INCR", "load:counter"), ("INCR", "load:0"), ("NOSUCHCOMMAND", "x"), ("INCR", "load:counter")]
    return b"".join(encode_command(*args) for args in commands), len(commands)


def test_redis_cli_pipe(kv):
    _require_redis_cli()
    server = kv()
    count = 3000
    stream, total = _pipe_stream(count)
    shown, output = _redis_cli(server, "--pipe", "--pipe-timeout", "20", stdin=stream, timeout=40)
    summary = "errors: 2, replies: %d" % total
    if "Last reply received from server" not in output:
        raise AssertionError(
            f"`{shown}` with {total} commands on stdin never saw its last reply; it printed {output[-300:]!r}. "
            "redis-cli --pipe sends the commands in big chunks, then the inline command \"\\r\\nECHO <20 random characters>\\r\\n\" "
            f"and waits for its echo: answer every command, and read inline commands too.{server.state()}"
        )
    assert summary in output, (
        f"`{shown}` with {total} commands on stdin (2 of them wrong: INCR of a non-number and an unknown command) "
        f"should end with {summary!r}; it printed {output[-300:]!r}"
    )
    r = server.redis()
    keys = [f"load:{i}" for i in range(count)]
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.get(key)
    got = _call(server, f"a redis-py pipeline of {count} GETs", lambda: pipe.execute(raise_on_error=False))
    missing = [key for key, value, i in zip(keys, got, range(count)) if value != (f"row-{i}:" + "p" * (i % 50)).encode()]
    assert not missing, f"after `{shown}` loaded {count} keys, {len(missing)} of them do not hold the value sent, e.g. {missing[0]}"
    counter = _call(server, "GET load:counter", lambda: r.get("load:counter"))
    assert counter == b"2", f"`{shown}` ran INCR load:counter twice, so GET load:counter should be b'2', got {counter!r}"


def test_binary_safe_values(kv):
    server = kv()
    r = server.redis()
    rng = random.Random(2)
    cases = [
        (b"bin\r\nkey\x00\xff", b"\x00\r\n$-1\r\n*2\r\n+OK\r\n\xff\xfe", "a key and value with CRLF, NUL and RESP-looking bytes"),
        (b"", b"the empty key", "the empty key"),
        (b"empty-value", b"", "an empty value"),
        ("clé".encode(), "välue ✓ 東京".encode(), "UTF-8 text"),
        (b"big", rng.randbytes(1024 * 1024 + 13), "a 1 MiB random value (it arrives in many reads)"),
    ]
    for key, value, what in cases:
        assert _call(server, f"SET {key!r} ...", lambda: r.set(key, value)) is True, f"SET of {what} should reply OK"
    for key, value, what in cases:
        got = _call(server, f"GET {key!r}", lambda: r.get(key))
        if got != value:
            if isinstance(got, bytes) and len(got) != len(value):
                detail = f"{len(got)} bytes instead of {len(value)}"
            elif isinstance(got, bytes):
                first = next(i for i, (a, b) in enumerate(zip(got, value)) if a != b)
                detail = f"the bytes differ from byte {first} on"
            else:
                detail = f"got {got!r}"
            raise AssertionError(f"{what} must come back exactly as stored: {detail}. Values are bytes: never split on CRLF or decode them.")
    dbsize = _call(server, "DBSIZE", r.dbsize)
    assert dbsize == len(cases), f"after {len(cases)} SETs of different keys, DBSIZE should be {len(cases)}, got {dbsize}"

    # The same big value sent in small pieces, with pauses, over a raw socket.
    client = server.raw()
    big = rng.randbytes(200_000)
    data = encode_command("SET", "trickle", big)
    for start in range(0, len(data), 4096):
        client.sock.sendall(data[start:start + 4096])
        if start % (4096 * 10) == 0:
            time.sleep(0.005)
    client.last_sent = "a 200 kB SET sent in 4 kB pieces"
    got = client.read_reply()
    assert got == "OK", f"a 200 kB SET sent in 4 kB pieces should reply OK once it has all arrived, got {got!r}"
    got = _call(server, "GET trickle", lambda: r.get("trickle"))
    assert got == big, "a 200 kB value sent in 4 kB pieces must be stored whole"


def _pipeline_script():
    """~900 commands and the exact reply each must get, in order."""
    commands, expected = [], []
    for i in range(300):
        commands.append(("SET", f"pipe:{i}", f"value-{i}"))
        expected.append(b"+OK\r\n")
        commands.append(("GET", f"pipe:{i}"))
        value = f"value-{i}".encode()
        expected.append(b"$%d\r\n%s\r\n" % (len(value), value))
        commands.append(("INCR", "pipe:counter"))
        expected.append(b":%d\r\n" % (i + 1))
        if i % 50 == 0:
            commands.append(("NOSUCHCOMMAND", "x"))
            expected.append(b"-ERR unknown command")
            commands.append(("GET",))
            expected.append(b"-ERR wrong number of arguments for 'get' command\r\n")
        if i % 75 == 0:
            commands.append(("GET", "pipe:missing"))
            expected.append(b"$-1\r\n")
    return commands, expected


def test_pipelining(kv):
    server = kv()
    client = server.raw()

    # 1. ~900 commands in a single write, then all replies, which must come in order.
    commands, expected = _pipeline_script()
    client.send(b"".join(encode_command(*args) for args in commands), f"{len(commands)} pipelined commands")
    for number, (args, want) in enumerate(zip(commands, expected), start=1):
        try:
            got = client.read_reply_bytes()
        except AssertionError as exc:
            raise AssertionError(
                f"{len(commands)} commands were sent in one write, but only {number - 1} of them were answered. {exc} "
                "A read can hold many commands: parse and answer every complete command in your buffer, not just the first."
            ) from None
        ok = got.startswith(want) if want == b"-ERR unknown command" else got == want
        assert ok, (
            f"{len(commands)} commands were sent in one write; reply #{number}, to `{command_text(args)}`, "
            f"should be {want!r}, got {got!r}. Replies must come in the order of the commands."
        )

    # 2. One command dribbled in byte by byte, then two commands cut at odd places.
    data = encode_command("SET", "split", "value")
    for i in range(len(data)):
        client.sock.sendall(data[i:i + 1])
        time.sleep(0.002)
    client.last_sent = "a SET sent one byte at a time"
    got = client.read_reply_bytes()
    assert got == b"+OK\r\n", f"a SET sent one byte at a time should be answered with b'+OK\\r\\n' once complete, got {got!r}"
    data = encode_command("GET", "split") + encode_command("PING")
    for piece in (data[:5], data[5:len(data) - 3], data[len(data) - 3:]):
        client.sock.sendall(piece)
        time.sleep(0.02)
    client.last_sent = "GET split and PING, cut into three pieces"
    got = [client.read_reply_bytes(), client.read_reply_bytes()]
    assert got == [b"$5\r\nvalue\r\n", b"+PONG\r\n"], (
        f"`GET split` and `PING` sent in three pieces cut in the middle of commands should get "
        f"[b'$5\\r\\nvalue\\r\\n', b'+PONG\\r\\n'], got {got!r}. Keep the bytes of an incomplete command for the next read."
    )

    # 3. A redis-py pipeline (no transaction): one round trip, results in order.
    r = server.redis()
    pipe = r.pipeline(transaction=False)
    want = []
    for i in range(200):
        pipe.incr("py:counter")
        want.append(i + 1)
        pipe.set(f"py:{i}", i * i)
        want.append(True)
        pipe.get(f"py:{i}")
        want.append(str(i * i).encode())
    got = _call(server, "a redis-py pipeline of 600 commands", lambda: pipe.execute(raise_on_error=False))
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        raise AssertionError(
            f"a redis-py pipeline of {len(want)} commands should return their results in order; "
            f"result #{first + 1} should be {want[first] if first < len(want) else 'nothing'!r}, "
            f"got {got[first] if first < len(got) else 'nothing'!r} ({len(got)} results)"
        )


def test_concurrent_clients(kv):
    server = kv()
    # Two clients that stall: one sent half a command, one nothing at all. Neither may hold up the others.
    stalled = server.raw()
    stalled.send(b"*2\r\n$3\r\nGET\r\n$7\r\nsta", "half of `GET stalled`")
    idle = server.raw()

    clients, operations = 8, 100
    barrier = threading.Barrier(clients)
    failures: list[str] = []

    def work(number):
        r = server.redis()
        try:
            barrier.wait(timeout=10)
            for j in range(operations):
                r.incr("shared:counter")
                key, value = f"client:{number}:{j}", f"{number}-{j}"
                r.set(key, value)
                got = r.get(key)
                if got != value.encode():
                    failures.append(f"client {number}: GET {key} returned {got!r} instead of {value!r}")
                    return
        except Exception as exc:  # noqa: BLE001  (reported below, with the client's number)
            failures.append(f"client {number} failed: {type(exc).__name__}: {exc}")
        finally:
            r.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, 40 - (time.monotonic() - started)))
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(
            f"{clients} clients doing {operations} INCR/SET/GET rounds each at the same time had not finished after 40 s, "
            f"while two other clients were stalled. Does one slow client block the server?{server.state()}"
        )
    assert not failures, f"{clients} clients at the same time, while two others stalled: {failures[0]}"

    r = server.redis()
    counter = _call(server, "GET shared:counter", lambda: r.get("shared:counter"))
    assert counter == str(clients * operations).encode(), (
        f"{clients} clients each ran INCR shared:counter {operations} times, so it should be {clients * operations}, got {counter!r}"
    )
    size = _call(server, "DBSIZE", r.dbsize)
    assert size == clients * operations + 1, f"DBSIZE should be {clients * operations + 1}, got {size}"

    stalled.send(b"lled\r\n", "the rest of `GET stalled`")
    got = stalled.read_reply()
    assert got is None, f"the stalled client finally sent the rest of `GET stalled`; it should get nil, got {got!r}"
    got = idle.command("PING")
    assert got == "PONG", f"the idle client's PING should get PONG, got {got!r}"
