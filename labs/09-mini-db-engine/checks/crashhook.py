"""Runs ``python -m minidb DB`` in this process and kills it in the middle of a write.

    python crashhook.py DB COUNT_FILE CRASH_AT MODE

Every write to a file whose path starts with DB (the database, its journal or log) is counted, whether
it goes through open()/io.open() or os.write/os.pwrite. The CRASH_AT-th write (1-based) is where the
process dies by SIGKILL: MODE "torn" lets the first half of that write's bytes reach the file first (a
torn page), MODE "clean" kills it just before the write. CRASH_AT 0 never crashes: it only counts, and
writes the number of writes to COUNT_FILE when the process exits. Hidden helper of the lab's checks.
"""

from __future__ import annotations

import atexit
import builtins
import io
import os
import runpy
import signal
import sys

_real_open = builtins.open
_real_os_open = os.open
_real_write = os.write
_real_pwrite = getattr(os, "pwrite", None)


class _State:
    prefix = ""
    crash_at = 0
    mode = "clean"
    writes = 0
    fds: set = set()


def _matches(path) -> bool:
    try:
        text = os.path.abspath(os.fsdecode(path))
    except TypeError:
        return False
    return text.startswith(_State.prefix)


def _die() -> None:
    # SIGKILL: no cleanup, no atexit, no flushing of Python's buffers. On Windows, TerminateProcess.
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _count(torn_write) -> bool:
    """Counts one write; when it is the fatal one, does the torn part (if any) and dies."""
    _State.writes += 1
    if _State.crash_at and _State.writes >= _State.crash_at:
        if _State.mode == "torn":
            torn_write()
        _die()
    return True


class _File:
    """A file object that counts its writes; everything else goes to the real file."""

    def __init__(self, real):
        self._real = real
        try:
            _State.fds.add(real.fileno())
        except (OSError, ValueError):
            pass

    def write(self, data):
        def torn():
            part = data[: len(data) // 2]
            if part:
                self._real.write(part)
            self._real.flush()

        _count(torn)
        return self._real.write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def close(self):
        try:
            _State.fds.discard(self._real.fileno())
        except (OSError, ValueError):
            pass
        return self._real.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __iter__(self):
        return iter(self._real)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _open(file, *args, **kwargs):
    real = _real_open(file, *args, **kwargs)
    if isinstance(file, int) or not _matches(file):
        return real
    return _File(real)


def _os_open(path, *args, **kwargs):
    fd = _real_os_open(path, *args, **kwargs)
    if _matches(path):
        _State.fds.add(fd)
    return fd


def _os_write(fd, data):
    if fd in _State.fds:
        _count(lambda: _real_write(fd, bytes(data)[: len(data) // 2]))
    return _real_write(fd, data)


def _os_pwrite(fd, data, offset):
    if fd in _State.fds:
        _count(lambda: _real_pwrite(fd, bytes(data)[: len(data) // 2], offset))
    return _real_pwrite(fd, data, offset)


def main() -> None:
    db, count_file, crash_at, mode = sys.argv[1:5]
    _State.prefix = os.path.abspath(db)
    _State.crash_at = int(crash_at)
    _State.mode = mode

    def report():
        with _real_open(count_file, "w") as handle:
            handle.write(str(_State.writes))

    atexit.register(report)
    builtins.open = _open
    io.open = _open
    os.open = _os_open
    os.write = _os_write
    if _real_pwrite is not None:
        os.pwrite = _os_pwrite
    sys.argv = ["minidb", db]
    sys.path.insert(0, os.getcwd())  # the learner's lab folder, where the minidb package is
    runpy.run_module("minidb", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
