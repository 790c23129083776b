"""Hidden checks for TTLs and expiry (lab 02, kv-store).

Expiry is timed with short real TTLs. Every time bound is judged against
times measured around the request itself (when it was sent, when its reply
came), so a slow or busy machine makes the checks slower, never wrong.
"""

from __future__ import annotations

import time

from kvharness import command_text


def _expect(client, args, check, wanted):
    got = client.command(*args)
    assert check(got), f"`{command_text(args)}` should return {wanted}, got {got!r}"
    return got


class _Clock:
    """When each key's TTL was set (just before the command was sent), to judge TTL and PTTL replies."""

    def __init__(self, client):
        self.client = client
        self.armed = {}

    def arm(self, key, args, ttl_ms, check, wanted):
        sent = time.monotonic()
        _expect(self.client, args, check, wanted)
        self.armed[key] = (sent, ttl_ms)

    def expect_remaining(self, key, unit):
        """PTTL (unit "ms") or TTL (unit "s") of `key`: what is left of its TTL, given the time since it was set."""
        args = ["PTTL" if unit == "ms" else "TTL", key]
        got = self.client.command(*args)
        elapsed_ms = (time.monotonic() - self.armed[key][0]) * 1000
        ttl_ms = self.armed[key][1]
        low_ms = max(ttl_ms - elapsed_ms - 5, 0)  # 5 ms for the server's clock, rounded to the millisecond
        if unit == "ms":
            low, high = int(low_ms), ttl_ms
            what = "milliseconds"
        else:
            low, high = (int(low_ms) + 500) // 1000, (ttl_ms + 500) // 1000  # Redis rounds to the nearest second
            what = "seconds (rounded to the nearest)"
        assert isinstance(got, int) and low <= got <= high, (
            f"`{command_text(args)}` {elapsed_ms:.0f} ms after {key} was given a TTL of {ttl_ms} ms should return the "
            f"{what} left, between {low} and {high}; got {got!r}"
        )


def test_ttl_commands(kv):
    server = kv()
    c = server.raw()
    clock = _Clock(c)
    is_ok = lambda value: value == "OK"  # noqa: E731
    is_one = lambda value: value == 1  # noqa: E731
    _expect(c, ["SET", "plain", "v"], is_ok, "OK")
    _expect(c, ["TTL", "plain"], lambda v: v == -1, "-1 (the key has no TTL)")
    _expect(c, ["PTTL", "plain"], lambda v: v == -1, "-1 (the key has no TTL)")
    _expect(c, ["TTL", "missing"], lambda v: v == -2, "-2 (no such key)")
    _expect(c, ["PTTL", "missing"], lambda v: v == -2, "-2 (no such key)")
    clock.arm("plain", ["EXPIRE", "plain", "100"], 100_000, is_one, "1 (the TTL was set)")
    clock.expect_remaining("plain", "s")
    clock.expect_remaining("plain", "ms")
    _expect(c, ["EXPIRE", "missing", "10"], lambda v: v == 0, "0 (there is no such key)")
    _expect(c, ["EXISTS", "missing"], lambda v: v == 0, "0: EXPIRE must not create a key")
    _expect(c, ["SET", "plain", "v2"], is_ok, "OK")
    _expect(c, ["TTL", "plain"], lambda v: v == -1, "-1: a SET without EX or PX removes the old TTL")
    clock.arm("ex", ["SET", "ex", "v", "EX", "50"], 50_000, is_ok, "OK")
    clock.expect_remaining("ex", "s")
    clock.arm("px", ["SET", "px", "v", "PX", "5000"], 5_000, is_ok, "OK")
    clock.expect_remaining("px", "ms")
    clock.expect_remaining("px", "s")  # TTL is in seconds, PTTL in milliseconds
    clock.arm("plain", ["PEXPIRE", "plain", "20000"], 20_000, is_one, "1")
    clock.expect_remaining("plain", "ms")
    at = time.time_ns() // 1_000_000 + 30_000
    clock.arm("plain", ["PEXPIREAT", "plain", str(at)], 30_000, is_one, "1")
    clock.expect_remaining("plain", "ms")
    clock.arm("exat", ["SET", "exat", "v", "PXAT", str(time.time_ns() // 1_000_000 + 40_000)], 40_000, is_ok, "OK")
    clock.expect_remaining("exat", "ms")
    clock.arm("counter", ["SET", "counter", "10", "EX", "100"], 100_000, is_ok, "OK")
    _expect(c, ["INCR", "counter"], lambda v: v == 11, "11")
    clock.expect_remaining("counter", "s")  # INCR keeps the key's TTL
    _expect(c, ["EXPIRE", "plain", "0"], lambda v: v == 1, "1: a TTL of 0 deletes the key at once")
    _expect(c, ["EXISTS", "plain"], lambda v: v == 0, "0 after EXPIRE plain 0")
    _expect(c, ["TTL", "plain"], lambda v: v == -2, "-2 after EXPIRE plain 0")
    _expect(c, ["SET", "negative", "v"], is_ok, "OK")
    _expect(c, ["EXPIRE", "negative", "-5"], lambda v: v == 1, "1: a negative TTL deletes the key at once")
    _expect(c, ["GET", "negative"], lambda v: v is None, "nil after EXPIRE negative -5")
    _expect(c, ["SET", "again", "v", "EX", "100"], is_ok, "OK")
    _expect(c, ["DEL", "again"], lambda v: v == 1, "1")
    _expect(c, ["SET", "again", "v"], is_ok, "OK")
    _expect(c, ["TTL", "again"], lambda v: v == -1, "-1: a deleted key's TTL goes with it")


# (key, how it gets its TTL, TTL in seconds)
_TIMED_KEYS = [
    ("px300", [["SET", "px300", "v", "PX", "300"]], 0.3),
    ("pexpire600", [["SET", "pexpire600", "v"], ["PEXPIRE", "pexpire600", "600"]], 0.6),
    ("ex1", [["SET", "ex1", "v", "EX", "1"]], 1.0),
]
_EARLY_TOLERANCE = 0.015  # the server may round its clock to the millisecond
_LATE_TOLERANCE = 0.03  # judged from the moment the TTL was acknowledged, so load cannot make it fail


def test_keys_expire_on_time(kv):
    server = kv()
    c = server.raw()
    armed = {}  # key -> (sent at, acknowledged at) of the command that set the TTL
    for key, commands, _ttl in _TIMED_KEYS:
        for args in commands:
            sent = time.monotonic()
            got = c.command(*args)
            acked = time.monotonic()
            assert got in ("OK", 1), f"`{command_text(args)}` should return OK or 1, got {got!r}"
        armed[key] = (sent, acked)

    ttls = {key: ttl for key, _commands, ttl in _TIMED_KEYS}
    alive = set(ttls)
    stop = time.monotonic() + 5.0  # ex1 (1 s) has long expired by then, however slow the machine
    while alive and time.monotonic() < stop:
        for key in sorted(alive):
            sent = time.monotonic()
            value = c.command("GET", key)
            received = time.monotonic()
            set_sent, set_acked = armed[key]
            ttl = ttls[key]
            if value is None:
                early = received - set_sent
                assert early >= ttl - _EARLY_TOLERANCE, (
                    f"{key} has a TTL of {ttl * 1000:.0f} ms but was already gone {early * 1000:.0f} ms after it was set"
                )
                alive.discard(key)
            else:
                late = sent - set_acked
                assert late < ttl + _LATE_TOLERANCE, (
                    f"{key} has a TTL of {ttl * 1000:.0f} ms but GET still returned {value!r} {late * 1000:.0f} ms after it was set. "
                    "Check the deadline on every read (lazy expiry), and mind the units: EX is seconds, PX milliseconds."
                )
        time.sleep(0.02)
    assert not alive, f"these keys never expired: {sorted(alive)}"
    for key in ttls:
        for args, want in ((["EXISTS", key], 0), (["TTL", key], -2), (["PTTL", key], -2)):
            got = c.command(*args)
            assert got == want, f"after {key} expired, `{command_text(args)}` should return {want}, got {got!r}"


def test_active_expiry(kv):
    server = kv()
    r = server.redis()
    pipe = r.pipeline(transaction=False)
    for i in range(500):
        pipe.set(f"temp:{i}", "x", px=400)
    for i in range(10):
        pipe.set(f"keep:{i}", "y")
    started = time.monotonic()
    pipe.execute()
    acknowledged = time.monotonic()
    size = r.dbsize()
    if time.monotonic() - started < 0.3:  # on a very slow machine some may already be gone, rightly
        assert size == 510, f"right after setting 510 keys (500 with a 400 ms TTL), DBSIZE should be 510, got {size}"
    expired_at = acknowledged + 0.4  # every key had expired by then
    deadline = expired_at + 3.0
    while time.monotonic() < deadline:
        size = r.dbsize()
        if size == 10:
            break
        time.sleep(0.1)
    waited = time.monotonic() - expired_at
    assert size == 10, (
        f"500 keys expired {waited:.1f} s ago and no client has read them since, but DBSIZE is still {size} (it should be 10). "
        "Expired keys must also be removed by an active sweep that runs on its own, a few times a second, "
        "not only when a client reads them; otherwise they fill the memory for ever."
    )
    for i in range(10):
        got = r.get(f"keep:{i}")
        assert got == b"y", f"the sweep must remove only expired keys, but keep:{i} (no TTL) is {got!r}"
