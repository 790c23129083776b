"""Helpers for the hidden checks of lab 03 (tcp-chat): the learner's server as a subprocess, and a
line-oriented test client on a real TCP socket with a reader thread.

Standard library (plus psutil in the resource check) only. The learner sees only assertion messages,
so every failure says what was sent, what was expected and what came.
"""

from __future__ import annotations

import collections
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

START_TIMEOUT = 20.0
REPLY_TIMEOUT = 5.0


def show(value: object, limit: int = 90) -> str:
    """repr() cut to `limit` characters, so a 512-byte line does not flood a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-12:]} ({len(value) if isinstance(value, (str, bytes)) else '?'} chars)"


class ChatServerProcess:
    """`python -m chat.server --host 127.0.0.1 --port 0`, run from the learner's lab folder."""

    def __init__(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "chat.server", "--host", "127.0.0.1", "--port", "0"],
            cwd=os.getcwd(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.pid = self.proc.pid
        self.port = self._read_port()

    def _read_port(self) -> int:
        lines: list[str] = []
        found: list[int] = []

        def read() -> None:
            assert self.proc.stdout is not None
            for raw in self.proc.stdout:
                text = raw.decode("utf-8", "replace").strip()
                lines.append(text)
                parts = text.split()
                if len(parts) == 2 and parts[0] == "LISTENING" and parts[1].isdigit():
                    found.append(int(parts[1]))
                    break
            # Keep draining stdout so a chatty server never blocks on a full pipe.
            for _ in self.proc.stdout:
                pass

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and not found and self.proc.poll() is None:
            time.sleep(0.02)
        if found:
            return found[0]
        if self.proc.poll() is not None:
            raise AssertionError(
                f"`python -m chat.server --host 127.0.0.1 --port 0` exited with code {self.proc.returncode} "
                f"before printing `LISTENING <port>`{self.stderr_tail()}"
            )
        self.stop()
        raise AssertionError(
            f"`python -m chat.server --host 127.0.0.1 --port 0` did not print `LISTENING <port>` within "
            f"{START_TIMEOUT:.0f} s (stdout so far: {lines[:3]!r}). Print it, flushed, once the socket listens."
        )

    def stderr_tail(self, lines: int = 4) -> str:
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        if not text:
            return ""
        tail = " | ".join(text.splitlines()[-lines:])
        return f"; the server's stderr ends with: {tail[-600:]}"

    def status(self) -> str:
        """'' while the server runs; otherwise why it does not (appended to failure messages)."""
        code = self.proc.poll()
        if code is None:
            return ""
        return f" (the server process has exited, code {code}{self.stderr_tail()})"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._stderr.close()


class ChatClient:
    """One TCP connection to the server. A daemon thread reads lines as they come (unless `read` is False:
    a stalled client that never reads)."""

    def __init__(self, server: ChatServerProcess, name: str, *, rcvbuf: int | None = None, read: bool = True) -> None:
        self.server = server
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(10)
        try:
            self.sock.connect(("127.0.0.1", server.port))
        except OSError as error:
            self.sock.close()
            raise AssertionError(f"could not connect to the server on 127.0.0.1:{server.port}: {error}{server.status()}") from None
        self.sock.settimeout(None)
        self.lines: list[str] = []
        self.times: list[float] = []
        self.pos = 0
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()
        self.last_time: dict[tuple[str, str], float] = {}
        self.closed: str | None = None
        self.cond = threading.Condition()
        self._sync = 0
        self._closing = False
        self._thread: threading.Thread | None = None
        if read:
            self._thread = threading.Thread(target=self._reader, daemon=True)
            self._thread.start()

    # ----- reading ---------------------------------------------------------------------------------

    def _reader(self) -> None:
        pending = b""
        reason = "closed by the server"
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError as error:
                reason = f"reset ({error.strerror or error})"
                break
            if not data:
                break
            pending += data
            *complete, pending = pending.split(b"\n")
            if complete:
                now = time.monotonic()
                with self.cond:
                    for raw in complete:
                        line = raw.decode("utf-8", "replace")
                        if line.endswith("\r"):
                            line = line[:-1]
                        self.lines.append(line)
                        self.times.append(now)
                        parts = line.split(" ", 2)
                        key = (parts[0], parts[1] if len(parts) > 1 else "")
                        self.counts[key] += 1
                        self.last_time[key] = now
                    self.cond.notify_all()
        with self.cond:
            self.closed = "closed by this client" if self._closing else reason
            self.cond.notify_all()

    def _state(self) -> str:
        seen = self.lines[self.pos:][:6]
        what = f"got [{', '.join(show(line) for line in seen)}]" if seen else "got nothing"
        if self.closed:
            what += f", and the connection was {self.closed}"
        return what + self.server.status()

    def next_line(self, after: str, timeout: float = REPLY_TIMEOUT) -> str:
        """The next unread line; fails if none comes within `timeout` s. `after` says what was sent."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.pos >= len(self.lines):
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise AssertionError(f"{self.name}: after {after}, expected a line within {timeout:.0f} s, {self._state()}")
                self.cond.wait(left)
            line = self.lines[self.pos]
            self.pos += 1
            return line

    def expect(self, expected: str, after: str, timeout: float = REPLY_TIMEOUT) -> None:
        """The next line must be exactly `expected`."""
        line = self.next_line(after, timeout)
        assert line == expected, f"{self.name}: after {after}, expected {show(expected)}, got {show(line)}"

    def expect_err(self, code: str, after: str, timeout: float = REPLY_TIMEOUT) -> None:
        """The next line must be `ERR <code>`, optionally followed by a space and any text."""
        line = self.next_line(after, timeout)
        assert line == f"ERR {code}" or line.startswith(f"ERR {code} "), (
            f"{self.name}: after {after}, expected `ERR {code}` (optionally followed by text), got {show(line)}"
        )

    def request(self, line: str, expected: str, timeout: float = REPLY_TIMEOUT) -> None:
        self.send_line(line)
        self.expect(expected, f"sending {show(line)}", timeout)

    def request_err(self, line: str, code: str, timeout: float = REPLY_TIMEOUT) -> None:
        self.send_line(line)
        self.expect_err(code, f"sending {show(line)}", timeout)

    def sync(self, after: str, timeout: float = REPLY_TIMEOUT) -> list[str]:
        """Send `PING sync-N` and return the unread lines that came before its `PONG sync-N`.

        The server handles one client's lines in order and sends one client's output in order, so any
        line queued for this client before the PING was handled arrives before the PONG."""
        self._sync += 1
        token = f"sync-{self._sync}"
        self.send_line(f"PING {token}")
        before: list[str] = []
        while True:
            line = self.next_line(f"{after} and then `PING {token}` (expecting `PONG {token}`)", timeout)
            if line == f"PONG {token}":
                return before
            before.append(line)

    def expect_quiet(self, after: str, timeout: float = REPLY_TIMEOUT) -> None:
        """Nothing unread may be waiting for this client, up to a `PING` round trip."""
        extra = self.sync(after, timeout)
        assert not extra, f"{self.name}: after {after}, expected nothing for {self.name}, got [{', '.join(show(x) for x in extra[:5])}]"

    def wait_closed(self, after: str, timeout: float = REPLY_TIMEOUT) -> str:
        """Waits until the server closes (or resets) the connection; returns how it ended."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    unread = self.lines[self.pos:][:4]
                    raise AssertionError(
                        f"{self.name}: after {after}, expected the server to close the connection within "
                        f"{timeout:.0f} s, but it is still open (unread lines: {unread!r}){self.server.status()}"
                    )
                self.cond.wait(left)
            return self.closed

    def wait_count(self, key: tuple[str, str], count: int, deadline: float) -> bool:
        """Waits until `count` lines starting with key[0] key[1] have arrived, or the deadline passes."""
        with self.cond:
            while self.counts[key] < count:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return False
                self.cond.wait(min(left, 0.5))
            return True

    def saw(self, line: str, timeout: float) -> bool:
        """Waits until `line` has arrived (read or not), or `timeout` s pass."""
        deadline = time.monotonic() + timeout
        checked = 0
        with self.cond:
            while True:
                if line in self.lines[checked:]:
                    return True
                checked = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return False
                self.cond.wait(min(left, 0.5))

    def unread(self) -> list[str]:
        with self.cond:
            lines = self.lines[self.pos:]
            self.pos = len(self.lines)
            return lines

    # ----- writing ---------------------------------------------------------------------------------

    def send_line(self, line: str) -> None:
        self.send_bytes(line.encode("utf-8") + b"\n")

    def send_bytes(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as error:
            raise AssertionError(f"{self.name}: could not send {data[:60]!r}: {error}{self.server.status()}") from None

    def register(self, *rooms: str) -> "ChatClient":
        """NICK <name>, then JOIN each room, checking each reply."""
        self.request(f"NICK {self.name}", f"OK NICK {self.name}")
        for room in rooms:
            self.request(f"JOIN {room}", f"OK JOIN {room}")
        return self

    # ----- closing -----------------------------------------------------------------------------------

    def _stop_reader(self) -> None:
        # A socket is only really closed once no thread is blocked in recv() on it: stop the reader first.
        self._closing = True
        try:
            self.sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(2)

    def reset(self) -> None:
        """Close abruptly: SO_LINGER 0 makes close() send a RST instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._stop_reader()
        self.sock.close()

    def half_close(self) -> None:
        """Shut down the sending side (the server reads EOF); keep reading."""
        self.sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        """Close normally (a FIN)."""
        if self.sock.fileno() < 0:
            return
        self._stop_reader()
        try:
            self.sock.close()
        except OSError:
            pass


def wait_all(clients: list[ChatClient], key: tuple[str, str], count: int, deadline: float, idle: float = 5.0) -> bool:
    """Waits until every client has `count` lines starting with key[0] key[1]. Gives up at the deadline,
    or as soon as none of them has received such a line for `idle` s (a stuck server fails fast)."""
    progress, moved = -1, time.monotonic()
    while True:
        now = time.monotonic()
        counts = [client.counts[key] for client in clients]
        if all(c >= count for c in counts):
            return True
        if sum(counts) != progress:
            progress, moved = sum(counts), now
        if now >= deadline or now - moved >= idle:
            return False
        laggard = clients[counts.index(min(counts))]
        if not laggard.wait_count(key, count, min(deadline, now + 0.2)) and laggard.closed:
            time.sleep(0.05)


class Session:
    """The clients of one test, closed at its end."""

    def __init__(self, server: ChatServerProcess) -> None:
        self.server = server
        self.clients: list[ChatClient] = []

    def client(self, name: str, *rooms: str, rcvbuf: int | None = None, read: bool = True, register: bool = True) -> ChatClient:
        client = ChatClient(self.server, name, rcvbuf=rcvbuf, read=read)
        self.clients.append(client)
        if register and read:
            client.register(*rooms)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
