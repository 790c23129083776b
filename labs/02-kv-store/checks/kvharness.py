"""Helpers of the hidden checks for lab 02 (kv-store): start the learner's server and talk RESP to it.

The server runs as `python -m kvstore.server --port P --dir D [...]` from the
learner's lab folder (the working directory), on a free (ephemeral) loopback
port, in a process group of its own, and is always killed (SIGKILL to the
group) when a test ends. On Linux it also dies with pytest (PR_SET_PDEATHSIG),
so a test run that is itself killed leaves no server behind. Standard library
and redis-py only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 15.0
REPLY_TIMEOUT_SECONDS = 5.0
LOG_NAME = "appendonly.aof"

# Started instead of `-m kvstore.server` by the fsync check: counts the moments
# the server makes a regular file durable, one byte per moment appended to a
# probe file (before the call returns, so before the server can send a reply):
# each os.fsync or os.fdatasync, and each os.write to a descriptor that os.open
# opened with O_SYNC or O_DSYNC (such a write returns only once it is durable).
FSYNC_PROBE_LAUNCHER = r"""
import os, runpy, stat, sys
_probe = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
_SYNC_FLAGS = getattr(os, "O_SYNC", 0) | getattr(os, "O_DSYNC", 0)
_sync_fds = set()
def _count(number):
    try:
        if stat.S_ISREG(os.fstat(number).st_mode):
            os.write(_probe, b".")
    except (OSError, ValueError):
        pass
def _counting(real):
    def wrapper(fd, *args, **kwargs):
        result = real(fd, *args, **kwargs)
        try:
            _count(fd if isinstance(fd, int) else fd.fileno())
        except (ValueError, AttributeError):
            pass
        return result
    return wrapper
os.fsync = _counting(os.fsync)
if hasattr(os, "fdatasync"):
    os.fdatasync = _counting(os.fdatasync)
_real_open, _real_write, _real_close = os.open, os.write, os.close
def _open(path, flags, *args, **kwargs):
    fd = _real_open(path, flags, *args, **kwargs)
    if _SYNC_FLAGS and flags & _SYNC_FLAGS:
        _sync_fds.add(fd)
    else:
        _sync_fds.discard(fd)
    return fd
def _write(fd, data):
    written = _real_write(fd, data)
    if fd in _sync_fds:
        _count(fd)
    return written
def _close(fd):
    _sync_fds.discard(fd)
    return _real_close(fd)
os.open, os.write, os.close = _open, _write, _close
sys.argv = ["kvstore.server"] + sys.argv[2:]
runpy.run_module("kvstore.server", run_name="__main__", alter_sys=True)
"""

_PR_SET_PDEATHSIG = 1
_LIBC = None
if sys.platform.startswith("linux"):
    try:
        _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        _LIBC = None


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGKILL it when pytest dies, however pytest dies (Linux only)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def command_text(args) -> str:
    """A command as a learner would type it: SET k v."""
    parts = []
    for arg in args:
        text = arg.decode("utf-8", "backslashreplace") if isinstance(arg, bytes) else str(arg)
        if len(text) > 40:
            text = text[:30] + f"...({len(text)} chars)"
        parts.append(repr(text) if (not text or any(c.isspace() for c in text)) else text)
    return " ".join(parts)


def encode_command(*args) -> bytes:
    """A command as RESP: an array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class ErrorReply:
    """An error reply (-ERR ...), as the raw client returns it."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ErrorReply) and other.message == self.message

    def __repr__(self) -> str:
        return f"(error) {self.message}"


class ServerProcess:
    """One run of the learner's server on a data folder."""

    def __init__(self, data_dir: Path, output: Path, args=(), fsync_probe: Path | None = None) -> None:
        self.data_dir = data_dir
        self.args = [str(arg) for arg in args]
        self.output = output
        self.fsync_probe = fsync_probe
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def describe(self) -> str:
        return f"python -m kvstore.server --port {self.port} --dir {self.data_dir}" + "".join(f" {arg}" for arg in self.args)

    def start(self) -> ServerProcess:
        # The free port is free when chosen, but another program on the machine may take it before the
        # server binds it: then the server exits with "address already in use" and gets another port.
        for attempt in range(3):
            self._spawn()
            if self._wait_listening(retry_if_port_taken=attempt < 2):
                return self
            self.port = free_port()
        raise AssertionError("unreachable")

    def _spawn(self) -> None:
        server_args = ["--port", str(self.port), "--dir", str(self.data_dir), *self.args]
        if self.fsync_probe is None:
            argv = [sys.executable, "-m", "kvstore.server", *server_args]
        else:
            argv = [sys.executable, "-c", FSYNC_PROBE_LAUNCHER, str(self.fsync_probe), *server_args]
        self._output_start = self.output.stat().st_size if self.output.exists() else 0
        with open(self.output, "ab") as sink:
            self.process = subprocess.Popen(
                argv,
                cwd=os.getcwd(),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as a whole, children included
                preexec_fn=_die_with_parent if _LIBC is not None else None,
            )

    def _port_was_taken(self) -> bool:
        try:
            with open(self.output, "rb") as output:
                output.seek(self._output_start)
                text = output.read().decode("utf-8", "replace").lower()
        except OSError:
            return False
        return "address already in use" in text or "errno 98" in text

    def _wait_listening(self, retry_if_port_taken: bool = False) -> bool:
        """True once the server accepts connections; False if it exited because its port was taken."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            code = self.process.poll()
            if code is not None:
                if retry_if_port_taken and self._port_was_taken():
                    return False
                raise AssertionError(
                    f"`{self.describe()}` exited with code {code} before it listened on port {self.port}.{self.output_tail()}"
                )
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return True
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"`{self.describe()}` did not listen on {HOST}:{self.port} within {START_TIMEOUT_SECONDS:.0f} s.{self.output_tail()}"
                )
            time.sleep(0.03)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9 the server (and anything it started), as a crash would."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            if self.process.poll() is None:
                self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def output_tail(self, lines: int = 6) -> str:
        """The end of what the server printed, for failure messages."""
        try:
            text = self.output.read_text(encoding="utf-8", errors="replace").rstrip()
        except OSError:
            return ""
        if not text:
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"\nThe server's last output:\n{tail}"

    def state(self) -> str:
        """'' while the server runs; otherwise why it is gone, with its last output."""
        if self.process is None or self.process.poll() is None:
            return ""
        return f" The server process has exited (code {self.process.returncode}).{self.output_tail()}"

    def redis(self) -> redis.Redis:
        """A redis-py client; a dropped connection or a missing reply fails with the server's last output."""
        return _Client(self, host=HOST, port=self.port, socket_timeout=REPLY_TIMEOUT_SECONDS, socket_connect_timeout=REPLY_TIMEOUT_SECONDS)

    def raw(self, timeout: float = REPLY_TIMEOUT_SECONDS) -> RawClient:
        return RawClient(self, timeout)


def _no_reply(server: ServerProcess, what: str, exc: Exception) -> AssertionError:
    return AssertionError(
        f"redis-py sent {what} and got no reply ({exc}). Every command must get a reply, an error reply if need be: "
        f"a dropped connection is never the answer.{server.state() or server.output_tail()}"
    )


class _Pipeline(redis.client.Pipeline):
    server: ServerProcess

    def execute(self, raise_on_error: bool = True):
        what = f"a pipeline of {len(self.command_stack)} commands"
        try:
            return super().execute(raise_on_error)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise _no_reply(self.server, what, exc) from None


class _Client(redis.Redis):
    def __init__(self, server: ServerProcess, **kwargs) -> None:
        super().__init__(**kwargs)
        self.server = server

    def execute_command(self, *args, **options):
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise _no_reply(self.server, f"`{command_text(args)}`", exc) from None

    def pipeline(self, transaction: bool = True, shard_hint=None):
        pipe = _Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipe.server = self.server
        return pipe


class RawClient:
    """A plain socket that sends RESP and reads replies byte for byte, to see exactly what the server sends."""

    def __init__(self, server: ServerProcess, timeout: float) -> None:
        self.server = server
        self.timeout = timeout
        self.sock = socket.create_connection((HOST, server.port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.last_sent = ""

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes, what: str | None = None) -> None:
        self.last_sent = what or "the commands sent"
        self.sock.sendall(data)

    def command(self, *args):
        """Send one command and return its reply: str (simple), ErrorReply, int, bytes or None (bulk)."""
        self.send(encode_command(*args), f"`{command_text(args)}`")
        return self.read_reply()

    def command_bytes(self, *args) -> bytes:
        """Send one command and return the exact bytes of its reply."""
        self.send(encode_command(*args), f"`{command_text(args)}`")
        return self.read_reply_bytes()

    def read_reply(self):
        return decode_reply(self.read_reply_bytes())

    def read_reply_bytes(self) -> bytes:
        end = self._reply_end(0)
        while end is None:
            self._fill()
            end = self._reply_end(0)
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    def closed_by_server(self, within: float) -> bool:
        """True if the server closes the connection within `within` seconds (and sends nothing more)."""
        self.sock.settimeout(within)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
                self.buffer += data
        except socket.timeout:
            return False
        except OSError:
            return True
        finally:
            self.sock.settimeout(self.timeout)

    def _fill(self) -> None:
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise AssertionError(
                f"the server sent no reply to {self.last_sent} within {self.timeout:.0f} s"
                f" (bytes received so far: {bytes(self.buffer[:120])!r}).{self.server.state()}"
            ) from None
        except OSError as exc:
            raise AssertionError(f"the connection failed while waiting for the reply to {self.last_sent}: {exc}.{self.server.state()}") from None
        if not data:
            raise AssertionError(
                f"the server closed the connection instead of replying to {self.last_sent}"
                f" (bytes received before it closed: {bytes(self.buffer[:120])!r}).{self.server.state()}"
            )
        self.buffer += data

    def _reply_end(self, pos: int) -> int | None:
        """Where the reply starting at pos ends, or None if it is incomplete."""
        buf = self.buffer
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        kind = buf[pos:pos + 1]
        if kind in (b"+", b"-", b":"):
            return line_end + 2
        if kind == b"$":
            length = int(buf[pos + 1:line_end])
            if length < 0:
                return line_end + 2
            end = line_end + 2 + length + 2
            return end if len(buf) >= end else None
        if kind == b"*":
            count = int(buf[pos + 1:line_end])
            at = line_end + 2
            for _ in range(max(count, 0)):
                at = self._reply_end(at)
                if at is None:
                    return None
            return at
        raise AssertionError(f"the reply to {self.last_sent} is not RESP: it starts with {bytes(buf[pos:pos + 60])!r}")


def decode_reply(data: bytes):
    kind, body = data[:1], data[1:-2]
    if kind == b"+":
        return body.decode("utf-8", "replace")
    if kind == b"-":
        return ErrorReply(body.decode("utf-8", "replace"))
    if kind == b":":
        return int(body)
    if kind == b"$":
        header_end = data.index(b"\r\n")
        if int(data[1:header_end]) < 0:
            return None
        return data[header_end + 2:-2]
    return data  # arrays are not used by this lab's commands


def read_log_size(server: ServerProcess) -> int:
    try:
        return server.log_path.stat().st_size
    except FileNotFoundError:
        return 0
