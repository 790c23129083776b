"""Hidden checks of lab 03 (tcp-chat): the line protocol, rooms and private messages.

Each test starts the learner's server (`python -m chat.server --port 0`) and talks to it over real TCP
sockets. See README.md, "The protocol".
"""

from __future__ import annotations

import threading
import time

from chatcheck import ChatClient


def test_protocol_basics(session):
    c = session.client("ana", register=False)
    c.request("PING abc", "PONG abc")
    c.request("PING", "PONG")
    c.request_err("JOIN #lobby", "not-registered")
    c.request_err("MSG #lobby hello", "not-registered")
    c.request_err("DANCE", "unknown-command")
    c.request_err("nick ana", "unknown-command")
    c.request("NICK ana", "OK NICK ana")
    c.send_line("")
    c.expect_quiet("sending an empty line (it must be ignored, with no reply)")
    c.request("PING crlf\r", "PONG crlf")
    c.request_err("JOIN", "syntax")
    c.request_err("JOIN lobby", "room-invalid")
    c.request_err("JOIN #", "room-invalid")
    c.request("JOIN #lobby", "OK JOIN #lobby")
    c.request("NAMES #lobby", "OK NAMES #lobby ana")
    c.request_err("MSG #lobby", "syntax")
    c.request("MSG #lobby anyone here?", "OK MSG #lobby")
    c.expect_quiet("`MSG #lobby anyone here?` (the sender gets `OK MSG #lobby`, never its own message back)")
    c.request_err("NAMES #elsewhere", "no-such-room")
    c.request("PART #lobby", "OK PART #lobby")
    # The last member left, so the room no longer exists.
    c.request_err("PART #lobby", "no-such-room")
    c.request_err("NAMES #lobby", "no-such-room")
    c.request("QUIT", "OK QUIT")
    c.wait_closed("`QUIT` and its `OK QUIT`")


def test_nick_rules(session):
    valid = ["a", "Zed_9", "x-y", "b" + "c" * 15]
    invalid = ["9lives", "-x", "_x", "a.b", "caf\u00e9", "b" + "c" * 16, "ana bob"]
    for nick in valid:
        client = session.client(f"valid:{nick}", register=False)
        client.request(f"NICK {nick}", f"OK NICK {nick}")
    for nick in invalid:
        client = session.client(f"invalid:{nick}", register=False)
        client.request_err(f"NICK {nick}", "nick-invalid")
    first = session.client("ana")
    first.request_err("NICK ana2", "already-registered")
    second = session.client("second", register=False)
    second.request_err("NICK ana", "nick-taken")
    # A refused NICK leaves the connection unregistered; it can try again.
    second.request_err("JOIN #r", "not-registered")
    second.request("NICK ana2", "OK NICK ana2")

    # Eight connections ask for the same nick at once: exactly one gets it.
    racers = [session.client(f"racer{i}", register=False) for i in range(8)]
    for racer in racers:
        racer.send_line("NICK bolt")
    replies = [racer.next_line("sending `NICK bolt` from 8 connections at once") for racer in racers]
    winners = [r for r in replies if r == "OK NICK bolt"]
    losers = [r for r in replies if r.startswith("ERR nick-taken")]
    assert len(winners) == 1 and len(losers) == 7, (
        f"8 connections sent `NICK bolt` at once: expected one `OK NICK bolt` and seven `ERR nick-taken`, got {replies!r}"
    )

    first.request("QUIT", "OK QUIT")
    first.wait_closed("`QUIT`")
    again = session.client("again", register=False)
    again.request("NICK ana", "OK NICK ana", timeout=5)


def test_line_framing(session):
    other = session.client("other")
    c = session.client("fr", register=False)

    # Several lines in one segment.
    c.send_bytes(b"NICK fr\nJOIN #f\nPING 1\nPING 2\n")
    for expected in ("OK NICK fr", "OK JOIN #f", "PONG 1", "PONG 2"):
        c.expect(expected, "sending `NICK fr\\nJOIN #f\\nPING 1\\nPING 2\\n` in one segment")

    # One line in many segments, a byte at a time.
    for byte in b"PING byte-by-byte\n":
        c.send_bytes(bytes([byte]))
        time.sleep(0.01)
    c.expect("PONG byte-by-byte", "sending `PING byte-by-byte\\n` one byte per segment")

    # The end of one line and the start of the next in one segment.
    c.send_bytes(b"PING a\nPI")
    time.sleep(0.1)
    c.send_bytes(b"NG b\nPING c")
    time.sleep(0.1)
    c.send_bytes(b"\n")
    for expected in ("PONG a", "PONG b", "PONG c"):
        c.expect(expected, "sending `PING a\\nPI`, `NG b\\nPING c` and `\\n` as three segments")

    # A two-byte UTF-8 character cut in half by a segment boundary.
    c.send_bytes("PRIV other caf\u00e9".encode()[:-1])
    time.sleep(0.1)
    c.send_bytes("PRIV other caf\u00e9".encode()[-1:] + " au lait \u2615\n".encode())
    c.expect("OK PRIV other", "sending a PRIV whose `\u00e9` is split between two segments")
    other.expect("PRIV fr caf\u00e9 au lait \u2615", "fr sent `PRIV other caf\u00e9 au lait \u2615` with `\u00e9` split between two segments")

    # A burst of 300 lines in one write.
    c.send_bytes(b"".join(f"PING burst-{i}\n".encode() for i in range(300)))
    got = [c.next_line("sending 300 `PING burst-<i>` lines in one write") for _ in range(300)]
    expected = [f"PONG burst-{i}" for i in range(300)]
    if got != expected:
        first = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
        raise AssertionError(
            f"after 300 `PING burst-<i>` lines in one write, reply {first} was {got[first]!r}, expected {expected[first]!r}"
        )


def test_line_limits(session):
    other = session.client("other")
    c = session.client("lim")
    prefix = "PRIV other "
    longest = prefix + "x" * (512 - len(prefix))
    assert len(longest.encode()) == 512
    c.request(longest, "OK PRIV other")
    other.expect(f"PRIV lim {'x' * (512 - len(prefix))}", "lim sent a PRIV line of exactly 512 bytes (the longest allowed)")

    # Invalid UTF-8 is refused, and the connection stays usable.
    c.send_bytes(b"PING \xff\xfe\n")
    c.expect_err("bad-encoding", "sending `PING \\xff\\xfe` (not UTF-8)")
    c.request("PING still-here", "PONG still-here")

    # 513 bytes: one too many.
    too_long = ChatClient(session.server, "long513")
    session.clients.append(too_long)
    too_long.register("#l")
    c.request("JOIN #l", "OK JOIN #l")
    too_long.expect("JOINED #l lim", "lim joined #l")
    too_long.send_line(prefix + "y" * (513 - len(prefix)))
    too_long.expect_err("line-too-long", "sending a 513-byte line")
    too_long.wait_closed("`ERR line-too-long` (the server must close the connection)")
    c.expect("LEFT #l long513", "long513 was disconnected for a too-long line")

    # A line that never ends: the server must not wait for its "\n".
    endless = session.client("endless")
    endless.send_bytes(b"MSG #l " + b"z" * 2000)
    endless.expect_err("line-too-long", "sending 2,007 bytes with no `\\n` (the server must not wait for the end of the line)")
    endless.wait_closed("`ERR line-too-long`")

    # Much longer than any buffer.
    huge = session.client("huge")
    sender = threading.Thread(target=lambda: _send_quietly(huge, b"PING " + b"h" * 200_000), daemon=True)
    sender.start()
    huge.expect_err("line-too-long", "sending 200,005 bytes with no `\\n`")
    huge.wait_closed("`ERR line-too-long`")
    c.request("PING after", "PONG after")


def _send_quietly(client, data):
    try:
        client.sock.sendall(data)
    except OSError:
        pass  # the server closed the connection mid-way, as it should


def test_room_isolation(session):
    a = session.client("a", "#red")
    b = session.client("b", "#red")
    a.expect("JOINED #red b", "b joined #red")
    c = session.client("c", "#blue")
    d = session.client("d", "#red")
    a.expect("JOINED #red d", "d joined #red")
    b.expect("JOINED #red d", "d joined #red")
    d.request("JOIN #blue", "OK JOIN #blue")
    c.expect("JOINED #blue d", "d joined #blue")
    for client in (a, b, c, d):
        client.expect_quiet("a, b and d joined #red, and c and d joined #blue (nobody hears of their own JOIN)")

    a.request("MSG #red hello red", "OK MSG #red")
    a.expect_quiet("`MSG #red hello red` (no echo to the sender)")
    b.expect("FROM #red a hello red", "a sent `MSG #red hello red`")
    d.expect("FROM #red a hello red", "a sent `MSG #red hello red`")
    c.expect_quiet("a sent `MSG #red hello red` (c is only in #blue)")

    d.request("MSG #blue hi blue", "OK MSG #blue")
    c.expect("FROM #blue d hi blue", "d sent `MSG #blue hi blue`")
    for client in (a, b, d):
        client.expect_quiet("d sent `MSG #blue hi blue` (only c and d are in #blue)")

    a.request_err("MSG #blue sneaking in", "not-in-room")
    c.expect_quiet("a, not a member of #blue, tried `MSG #blue sneaking in`")
    a.request_err("MSG #nowhere hi", "no-such-room")
    a.request_err("MSG red hi", "room-invalid")
    a.request_err("JOIN #red", "already-in-room")
    a.request_err("PART #blue", "not-in-room")

    b.request("PART #red", "OK PART #red")
    a.expect("LEFT #red b", "b sent `PART #red`")
    d.expect("LEFT #red b", "b sent `PART #red`")
    b.request_err("MSG #red still there?", "not-in-room")
    a.request("MSG #red bye b", "OK MSG #red")
    d.expect("FROM #red a bye b", "a sent `MSG #red bye b` after b left #red")
    b.expect_quiet("a sent `MSG #red bye b` after b left #red")
    a.request("NAMES #red", "OK NAMES #red a d")
    a.request("NAMES #blue", "OK NAMES #blue c d")

    c.request("PART #blue", "OK PART #blue")
    d.expect("LEFT #blue c", "c sent `PART #blue`")
    d.request("PART #blue", "OK PART #blue")
    a.request_err("NAMES #blue", "no-such-room")
    # A room is created again by the next JOIN.
    c.request("JOIN #blue", "OK JOIN #blue")
    c.request("NAMES #blue", "OK NAMES #blue c")
    for client in (a, b, d):
        client.expect_quiet("c re-created #blue")


def test_private_messages(session):
    a = session.client("a", "#room")
    b = session.client("b")
    c = session.client("c", "#room")
    a.expect("JOINED #room c", "c joined #room")
    text = "hello  b, two spaces and caf\u00e9 \U0001f642"
    a.request(f"PRIV b {text}", "OK PRIV b")
    b.expect(f"PRIV a {text}", f"a sent `PRIV b {text}` (the text must arrive exactly as sent)")
    for client in (a, c):
        client.expect_quiet("a sent a PRIV to b")
    b.request("PRIV a hi a", "OK PRIV a")
    a.expect("PRIV b hi a", "b sent `PRIV a hi a` (no shared room needed)")
    c.expect_quiet("b sent a PRIV to a")
    a.request_err("PRIV zed hi", "no-such-nick")
    a.request_err("PRIV b", "syntax")
    b.request("QUIT", "OK QUIT")
    b.wait_closed("`QUIT`")
    a.request_err("PRIV b are you there?", "no-such-nick")
