"""MongoDB replica set: measurements against the three members of rs0.

Every function takes the members' URLs (mongodb://127.0.0.1:27081 ...) and talks to each member
directly (directConnection=true): the members know each other as mongo1:27017 ... inside Docker, names the
host cannot resolve, so the functions find the primary and the secondaries themselves with `hello`.
"""

from __future__ import annotations

import time
import uuid

from pymongo import MongoClient, ReadPreference
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

DATABASE = "replication_lab"
COLLECTION = "probe"

#: The read/write settings the report compares, by name (the keys of report.json's mongodb.read_your_writes).
READ_SETTINGS = {
    "primary": {"read_from": "primary", "read_concern": "local", "write_concern": 1, "causal": False},
    "secondary_local_w1": {"read_from": "secondary", "read_concern": "local", "write_concern": 1, "causal": False},
    "secondary_majority_wmajority_no_session": {"read_from": "secondary", "read_concern": "majority", "write_concern": "majority", "causal": False},
    "secondary_causal_session_majority": {"read_from": "secondary", "read_concern": "majority", "write_concern": "majority", "causal": True},
}

#: Which of READ_SETTINGS guarantee that a read right after a write sees it (not: happened to, once).
GUARANTEED = {
    # TODO: True or False for each setting, with your reason in a comment. measure.py reports these.
    "primary": None,
    "secondary_local_w1": None,
    "secondary_majority_wmajority_no_session": None,
    "secondary_causal_session_majority": None,
}


def client(url: str, **options) -> MongoClient:
    return MongoClient(url, directConnection=True, serverSelectionTimeoutMS=5000, **options)


def roles(urls: list[str]) -> dict:
    """{"primary": url, "secondaries": [url, ...]} from each member's hello."""
    found = {"primary": None, "secondaries": []}
    for url in urls:
        with client(url) as member:
            hello = member.admin.command("hello")
        if hello.get("isWritablePrimary"):
            found["primary"] = url
        elif hello.get("secondary"):
            found["secondaries"].append(url)
    return found


def replica_set_status(urls: list[str]) -> dict:
    """replSetGetStatus, reduced: the set's name, its members and how far the slowest secondary is behind."""
    # TODO: replSetGetStatus on any member; each member's name, stateStr and optimeDate.
    raise NotImplementedError("replica_set_status")


def visibility_lag(urls: list[str], *, timeout_s: float = 5.0) -> float | None:
    """Seconds from a w:1 insert being acknowledged by the primary until a secondary returns it (readConcern
    local); None when no secondary shows it within timeout_s."""
    # TODO: roles(urls) finds the primary and the secondaries; write w=1 to one, poll another.
    raise NotImplementedError("visibility_lag")


def read_after_write(urls: list[str], *, read_from: str, read_concern: str, write_concern, causal: bool) -> bool:
    """One write to the primary with write_concern, then at once one read with read_concern from the primary
    or a secondary; with causal, the reading session first takes the writing session's operationTime and
    clusterTime (causal consistency across two clients). True when the read sees the write."""
    # TODO: see READ_SETTINGS for the arguments; for causal, ClientSession.advance_cluster_time and
    # advance_operation_time carry the write's time to the reading client's session.
    raise NotImplementedError("read_after_write")


def step_down_and_time_election(urls: list[str], *, timeout_s: float = 60.0) -> dict:
    """Steps the primary down (replSetStepDown) and times, by polling hello on every member, how long until
    another member is writable primary; then unfreezes the old primary (replSetFreeze 0)."""
    # TODO: replSetStepDown on the primary, poll hello on the others, replSetFreeze 0 on the old primary.
    raise NotImplementedError("step_down_and_time_election")
