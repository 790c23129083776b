"""Hidden checks of lab 03 (tcp-chat): clients that go away, politely or not, and what the server keeps."""

from __future__ import annotations

import time

import psutil


def test_abrupt_disconnect(session):
    obs = session.client("obs", "#room")
    obs2 = session.client("obs2", "#other")

    # A reset (RST): the connection dies mid-conversation.
    ghost = session.client("ghost", "#room", "#other")
    obs.expect("JOINED #room ghost", "ghost joined #room")
    obs2.expect("JOINED #other ghost", "ghost joined #other")
    ghost.send_bytes(b"MSG #room this line never ends")
    time.sleep(0.1)
    ghost.reset()
    obs.expect("LEFT #room ghost", "ghost's connection was reset (RST) in the middle of a line", timeout=5)
    obs2.expect("LEFT #other ghost", "ghost's connection was reset (RST)", timeout=5)
    obs.request("NAMES #room", "OK NAMES #room obs")
    again = session.client("ghost-again", register=False)
    again.request("NICK ghost", "OK NICK ghost")
    again.request("QUIT", "OK QUIT")
    again.wait_closed("`QUIT`")

    # A half-close (FIN): the client says a last thing and shuts down its sending side.
    half = session.client("half", "#room")
    obs.expect("JOINED #room half", "half joined #room")
    half.send_bytes(b"MSG #room bye all\nMSG #room this one has no newline")
    half.half_close()
    obs.expect("FROM #room half bye all", "half sent `MSG #room bye all` just before closing its side")
    obs.expect("LEFT #room half", "half sent `MSG #room bye all` and shut down its side (EOF); an unfinished last line is dropped")
    obs.request("NAMES #room", "OK NAMES #room obs")
    again = session.client("half-again", register=False)
    again.request("NICK half", "OK NICK half")

    # QUIT from a member of two rooms: LEFT in each.
    both = session.client("both", "#room", "#other")
    obs.expect("JOINED #room both", "both joined #room")
    obs2.expect("JOINED #other both", "both joined #other")
    both.request("QUIT", "OK QUIT")
    obs.expect("LEFT #room both", "both sent `QUIT`")
    obs2.expect("LEFT #other both", "both sent `QUIT`")
    for client in (obs, obs2):
        client.expect_quiet("ghost, half and both disconnected")

    # A plain close() of a registered client in no room: its nick comes free.
    loner = session.client("loner")
    loner.close()
    deadline = time.monotonic() + 5
    while True:
        probe = session.client("probe", register=False)
        probe.send_line("NICK loner")
        reply = probe.next_line("sending `NICK loner` after loner closed its connection")
        if reply == "OK NICK loner":
            break
        assert reply.startswith("ERR nick-taken") and time.monotonic() < deadline, (
            f"probe: 5 s after `loner` closed its connection, `NICK loner` still got {reply!r}; expected `OK NICK loner`"
        )
        probe.close()
        time.sleep(0.2)


def _connection_states(process):
    return sorted(conn.status for conn in process.net_connections(kind="tcp") if conn.status != psutil.CONN_LISTEN)


def test_resources_released(session):
    server = session.server
    process = psutil.Process(server.pid)
    warm = session.client("warm", "#r")
    warm.request("QUIT", "OK QUIT")
    warm.wait_closed("`QUIT`")
    time.sleep(0.3)
    baseline_fds = process.num_fds()
    baseline_conns = _connection_states(process)

    clients = []
    for i in range(40):
        client = session.client(f"c{i:02d}", register=False)
        if i < 32:
            client.register("#r", "#s")
        clients.append(client)
    clients[0].sync("40 clients connected")
    open_fds = process.num_fds()
    assert open_fds >= baseline_fds + 30, (
        f"with 40 clients connected the server holds {open_fds} file descriptors, at rest {baseline_fds}: "
        "run the server as `python -m chat.server` in one process (the checks measure that process)"
    )

    quitters, resetters, halfclosers, closers, silent = clients[:8], clients[8:16], clients[16:24], clients[24:32], clients[32:]
    for client in quitters:
        client.send_line("QUIT")
    for client in resetters:
        client.send_bytes(b"MSG #r half a li")
        client.reset()
    for client in halfclosers:
        client.half_close()
    for client in closers:
        client.close()
    for client in silent[:4]:
        client.reset()
    for client in silent[4:]:
        client.half_close()

    for client in quitters:
        client.wait_closed("`QUIT`")
    for client in halfclosers + silent[4:]:
        client.wait_closed(
            "shutting down its sending side (EOF): the server must then close its side of the connection too", timeout=10
        )

    deadline = time.monotonic() + 10
    while True:
        fds = process.num_fds()
        conns = _connection_states(process)
        if (fds <= baseline_fds and len(conns) <= len(baseline_conns)) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert fds <= baseline_fds and len(conns) <= len(baseline_conns), (
        f"10 s after 40 clients went away (8 QUIT, 12 reset, 12 half-closed, 8 closed), the server holds {fds} file "
        f"descriptors, {fds - baseline_fds} more than at rest ({baseline_fds}), and TCP connections in states "
        f"{sorted(set(conns))} ({len(conns)} of them). Close the socket of every client that leaves, however it leaves"
        f"{server.status()}"
    )
    fresh = session.client("fresh", "#r")
    fresh.send_line("NAMES #r")
    fresh.expect("OK NAMES #r fresh", "the 32 other members of #r left (by QUIT, reset, half-close or close) and fresh joined it, `NAMES #r`")
