"""Fixtures for the hidden checks of lab 03: a fresh server per test, and the test's clients."""

from __future__ import annotations

import pytest

from chatcheck import ChatServerProcess, Session


@pytest.fixture
def server():
    process = ChatServerProcess()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def session(server):
    clients = Session(server)
    try:
        yield clients
    finally:
        clients.close()
