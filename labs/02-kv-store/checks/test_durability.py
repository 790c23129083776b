"""Hidden checks for the append-only log: restarts, fsync, kill -9, torn records (lab 02, kv-store).

A crash is simulated with SIGKILL (kill -9): the server gets no chance to
flush or close anything. Whatever it had handed to the operating system
survives; whatever it still held in its own buffers is lost.
"""

from __future__ import annotations

import random
import threading
import time

from kvharness import ErrorReply, encode_command, read_log_size


def _values(r, keys):
    """GET many keys in one pipeline."""
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.get(key)
    return pipe.execute()


def _state_problems(r, expected, absent=()):
    problems = []
    keys = list(expected)
    for key, got in zip(keys, _values(r, keys)):
        if got != expected[key]:
            want = expected[key]
            shown = f"{len(got)} bytes" if isinstance(got, bytes) and len(got) > 60 else repr(got)
            wanted = f"{len(want)} bytes" if len(want) > 60 else repr(want)
            problems.append(f"{key} should be {wanted}, got {shown}")
    for key, got in zip(absent, _values(r, list(absent))):
        if got is not None:
            problems.append(f"{key} should not exist, got {got!r}")
    return problems


def test_log_survives_restart(kv):
    server = kv()
    r = server.redis()
    big = random.Random(5).randbytes(10_000)
    r.set("a", "1")
    r.set("b", "2")
    r.delete("b")
    for _ in range(3):
        r.incr("counter")
    r.set("big", big)
    r.set("bin", b"\x00\r\n$3\r\n")
    r.set("long", "L")
    r.expire("long", 1000)
    r.set("gone", "x")
    r.delete("gone")
    r.set("overwritten", "1")
    r.set("overwritten", "2")
    expected = {"a": b"1", "counter": b"3", "big": big, "bin": b"\x00\r\n$3\r\n", "long": b"L", "overwritten": b"2"}

    assert read_log_size(server) > 0, (
        f"after 12 writes there is no log at {server.log_path} (or it is empty): "
        "append every write to DIR/appendonly.aof, in the folder given by --dir"
    )
    server.kill()
    server = kv(server.data_dir)
    r = server.redis()
    problems = _state_problems(r, expected, absent=["b", "gone"])
    assert not problems, f"after kill -9 and a restart on the same --dir, the data must be as before: {'; '.join(problems)}"
    size = r.dbsize()
    assert size == len(expected), f"after the restart DBSIZE should be {len(expected)}, got {size}"
    ttl = r.ttl("long")
    assert 990 <= ttl <= 1000, f"`long` had a TTL of 1000 s; after the restart TTL long should be about 1000, got {ttl}"

    # Writes after a recovery are appended to the same log, and a second recovery sees both.
    r.set("after", "restart")
    r.incr("counter")
    server.kill()
    server = kv(server.data_dir)
    r = server.redis()
    expected.update({"after": b"restart", "counter": b"4"})
    problems = _state_problems(r, expected, absent=["b", "gone"])
    assert not problems, (
        f"after a second restart, the writes made before and after the first one must all be there: {'; '.join(problems)}. "
        "Open the recovered log for appending; do not start a new, empty one."
    )


def test_fsync_before_reply(kv, tmp_path):
    probe = tmp_path / "fsync-count"
    server = kv(fsync_probe=probe)
    client = server.raw()

    def fsyncs():
        return probe.stat().st_size if probe.exists() else 0

    writes = [["SET", f"k{i}", f"v{i}"] for i in range(12)]
    writes += [["INCR", "n"] for _ in range(4)]
    writes += [["DEL", "k0"], ["EXPIRE", "k1", "100"], ["PEXPIRE", "k2", "100000"], ["SET", "k3", "v", "EX", "100"]]
    unsynced = []
    for args in writes:
        before = fsyncs()
        reply = client.command(*args)
        assert not isinstance(reply, ErrorReply), f"`{' '.join(args)}` should succeed, got {reply!r}"
        if fsyncs() == before:
            unsynced.append(" ".join(args))
    assert not unsynced, (
        f"{len(unsynced)} of {len(writes)} writes were acknowledged before any fsync, e.g. `{unsynced[0]}`. "
        "After writing a command to the log, call os.fsync on it before sending the reply; "
        "until then a power cut can lose a write the client was told is safe."
    )

    # A pipelined batch may share one fsync (group commit), but it must come before the first reply.
    before = fsyncs()
    client.send(b"".join(encode_command("SET", f"batch:{i}", "x") for i in range(100)), "100 pipelined SETs")
    first = client.read_reply()
    assert first == "OK", f"a pipelined SET should reply OK, got {first!r}"
    assert fsyncs() > before, "100 pipelined SETs were acknowledged before any fsync: one fsync for the batch is fine, but before its replies"
    for _ in range(99):
        client.read_reply()


def _burst_value(i):
    return f"v{i}:".encode() + b"x" * (i * 7 % 300)


class _Burst:
    """Writes SET <prefix><i> pipelined in batches of 16 until the connection dies; records what was acknowledged."""

    def __init__(self, server, prefix):
        self.client = server.raw()
        self.prefix = prefix
        self.acked: list[int] = []
        self.refused = None  # the first reply that was not OK
        self.sent = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            while True:
                batch = range(self.sent, self.sent + 16)
                self.client.sock.sendall(b"".join(encode_command("SET", f"{self.prefix}{i}", _burst_value(i)) for i in batch))
                self.sent += 16
                for i in batch:
                    reply = self.client.read_reply()
                    if reply == "OK":
                        self.acked.append(i)
                    elif self.refused is None:
                        self.refused = reply
        except (AssertionError, OSError):
            pass  # the server was killed mid-burst: that is the point

    def run_until(self, acknowledged, timeout=10.0):
        self.thread.start()
        stop = time.monotonic() + timeout
        while len(self.acked) < acknowledged and time.monotonic() < stop and self.thread.is_alive():
            time.sleep(0.002)


def _check_burst(r, prefix, burst):
    acked = burst.acked
    assert acked, f"no SET of the burst was acknowledged with OK before the kill (the first reply was {burst.refused!r})"
    keys = [f"{prefix}{i}" for i in acked]
    lost = [key for key, got, i in zip(keys, _values(r, keys), acked) if got != _burst_value(i)]
    assert not lost, (
        f"{len(lost)} of {len(acked)} acknowledged writes were lost by kill -9 (e.g. {lost[0]}). "
        "A write must reach the operating system (os.write, then os.fsync) before its reply is sent; "
        "bytes still in a buffer of your process die with it."
    )
    pending = range(acked[-1] + 1, burst.sent)
    garbled = [f"{prefix}{i}" for i, got in zip(pending, _values(r, [f"{prefix}{i}" for i in pending])) if got not in (None, _burst_value(i))]
    assert not garbled, f"writes in flight at the kill must be either complete or absent after recovery, but {garbled[0]} holds another value"


def test_kill_9_mid_burst(kv):
    server = kv()
    rng = random.Random(9)
    bursts = []
    for round_number, prefix in enumerate(["burst1:", "burst2:"], start=1):
        burst = _Burst(server, prefix)
        burst.run_until(acknowledged=300 + rng.randrange(100))
        server.kill()
        burst.thread.join(timeout=10)
        bursts.append((prefix, burst))
        server = kv(server.data_dir)
        r = server.redis()
        for earlier_prefix, earlier in bursts:
            try:
                _check_burst(r, earlier_prefix, earlier)
            except AssertionError as exc:
                raise AssertionError(f"after kill -9 number {round_number} and a restart: {exc}") from None


def test_torn_last_record(kv):
    server = kv()
    r = server.redis()
    expected = {f"torn:{i}": f"{i}:".encode() + b"t" * 120 for i in range(1, 21)}
    for key, value in expected.items():
        r.set(key, value)
    server.kill()

    # A crash in the middle of a write leaves the last record cut short.
    size = read_log_size(server)
    assert size > 0, f"after 20 SETs there is no log at {server.log_path}"
    with open(server.log_path, "r+b") as log:
        log.truncate(size - 9)
    last = expected.pop("torn:20")

    server = kv(server.data_dir)
    r = server.redis()
    problems = _state_problems(r, expected)
    assert not problems, f"after the last record of the log was cut short, every earlier write must be recovered: {'; '.join(problems)}"
    got = r.get("torn:20")
    assert got in (None, last), f"torn:20's record was cut short, so it must be absent (or whole), got {len(got)} bytes of something else"

    r.set("after:torn", "fresh")
    r.incr("after:count")
    server.kill()
    server = kv(server.data_dir)
    r = server.redis()
    expected.update({"after:torn": b"fresh", "after:count": b"1"})
    problems = _state_problems(r, expected)
    assert not problems, (
        f"writes made after recovering from a torn record were lost at the next restart: {'; '.join(problems)}. "
        "When recovery finds a torn last record, cut it off the file (truncate after the last complete record) "
        "before appending new ones; otherwise the next replay meets the torn bytes first."
    )


def test_ttl_survives_restart(kv):
    server = kv()
    c = server.raw()
    started = time.monotonic()
    acked_at = {}  # key -> when its SET was acknowledged: the server set the deadline before that
    for args in (["SET", "soon", "v", "PX", "300"], ["SET", "short", "v", "PX", "3000"], ["SET", "long", "v", "EX", "1000"], ["SET", "forever", "v"]):
        assert c.command(*args) == "OK", f"`{' '.join(args)}` should reply OK"
        acked_at[args[1]] = time.monotonic()
    server.kill()
    time.sleep(max(0.0, started + 0.6 - time.monotonic()))

    server = kv(server.data_dir)
    c = server.raw()
    got = c.command("GET", "soon")
    assert got is None, (
        f"`soon` had a 300 ms TTL and the server was down for longer, but after the restart GET soon returned {got!r}. "
        "Log deadlines as absolute times (SET ... PXAT <Unix ms>, PEXPIREAT), never relative TTLs: "
        "replaying 'PX 300' at restart starts the 300 ms again."
    )
    measured = time.monotonic()
    pttl = c.command("PTTL", "short")
    since_ms = (measured - acked_at["short"]) * 1000
    most = 3000 - since_ms + 5  # 5 ms for the server's clock, rounded to the millisecond
    assert isinstance(pttl, int) and pttl <= most, (
        f"`short` was set with PX 3000 at least {since_ms:.0f} ms ago, before a kill -9 and a restart, so its PTTL should be "
        f"at most {most:.0f}, got {pttl!r}: the restart reset its TTL. Log absolute deadlines, not relative TTLs."
    )
    ttl = c.command("TTL", "long")
    elapsed_ms = (time.monotonic() - started) * 1000
    low = (int(1_000_000 - elapsed_ms - 5) + 500) // 1000
    assert isinstance(ttl, int) and low <= ttl <= 1000, (
        f"`long` was set with EX 1000 {elapsed_ms:.0f} ms ago; after the restart TTL long should be between {low} and 1000, got {ttl!r}"
    )
    ttl = c.command("TTL", "forever")
    assert ttl == -1, f"`forever` has no TTL; after the restart TTL forever should be -1, got {ttl!r}"
    while True:
        sent = time.monotonic()
        value = c.command("GET", "short")
        if value is None:
            break
        late = sent - acked_at["short"]
        assert late < 3.0 + 0.03, f"`short` (PX 3000) still exists {late * 1000:.0f} ms after it was set, across a restart"
        time.sleep(0.02)
