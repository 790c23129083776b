"""Fixtures of the hidden checks for lab 02 (kv-store)."""

from __future__ import annotations

import pytest

from kvharness import ServerProcess


@pytest.fixture
def kv(tmp_path):
    """kv(data_dir=None, args=(), fsync_probe=None) starts the learner's server; every server is killed at the end."""
    servers: list[ServerProcess] = []
    outputs = iter(range(1, 1000))

    def start(data_dir=None, args=(), fsync_probe=None) -> ServerProcess:
        server = ServerProcess(data_dir or tmp_path / "data", tmp_path / f"server-{next(outputs)}.out", args, fsync_probe)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()
