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
    "primary": True,
    "secondary_local_w1": False,
    # majority is about durability: the secondary may not have applied the write yet, and a majority
    # read there returns its own majority-committed snapshot, which can predate the write.
    "secondary_majority_wmajority_no_session": False,
    # afterClusterTime = the write's operationTime: the secondary waits until it has applied it.
    "secondary_causal_session_majority": True,
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
    with client(urls[0]) as member:
        status = member.admin.command("replSetGetStatus")
    members = [{"name": m["name"], "state": m["stateStr"], "optime_s": m["optimeDate"].timestamp()} for m in status["members"]]
    primary = next((m for m in members if m["state"] == "PRIMARY"), None)
    secondaries = [m for m in members if m["state"] == "SECONDARY"]
    lag = max((primary["optime_s"] - m["optime_s"] for m in secondaries), default=0.0) if primary else None
    return {"set_name": status["set"], "members": members, "primary": primary["name"] if primary else None, "max_secondary_lag_s": lag}


def visibility_lag(urls: list[str], *, timeout_s: float = 5.0) -> float | None:
    """Seconds from a w:1 insert being acknowledged by the primary until a secondary returns it (readConcern
    local); None when no secondary shows it within timeout_s."""
    found = roles(urls)
    if found["primary"] is None or not found["secondaries"]:
        raise RuntimeError(f"the replica set has no primary or no secondary: {found}")
    token = uuid.uuid4().hex
    with client(found["primary"]) as primary, client(found["secondaries"][0]) as secondary:
        writes = primary[DATABASE].get_collection(COLLECTION, write_concern=WriteConcern(w=1))
        reads = primary[DATABASE].get_collection(COLLECTION, read_concern=ReadConcern("local"))
        writes.insert_one({"token": token})
        acknowledged = time.perf_counter()
        while True:
            if reads.find_one({"token": token}) is not None:
                return time.perf_counter() - acknowledged
            if time.perf_counter() - acknowledged > timeout_s:
                return None


def read_after_write(urls: list[str], *, read_from: str, read_concern: str, write_concern, causal: bool) -> bool:
    """One write to the primary with write_concern, then at once one read with read_concern from the primary
    or a secondary; with causal, the reading session first takes the writing session's operationTime and
    clusterTime (causal consistency across two clients). True when the read sees the write."""
    found = roles(urls)
    token = uuid.uuid4().hex
    reader_url = found["primary"] if read_from == "primary" else found["secondaries"][0]
    with client(found["primary"]) as primary, client(reader_url) as reader:
        writes = primary[DATABASE].get_collection(COLLECTION, write_concern=WriteConcern(w=write_concern))
        reads = reader[DATABASE].get_collection(COLLECTION, read_concern=ReadConcern(read_concern), read_preference=ReadPreference.SECONDARY_PREFERRED)
        if not causal:
            writes.insert_one({"token": token})
            return reads.find_one({"token": token}) is not None
        with primary.start_session(causal_consistency=True) as write_session, reader.start_session(causal_consistency=True) as read_session:
            writes.insert_one({"token": token}, session=write_session)
            read_session.advance_cluster_time(write_session.cluster_time)
            read_session.advance_operation_time(write_session.operation_time)
            return reads.find_one({"token": token}, session=read_session) is not None


def step_down_and_time_election(urls: list[str], *, timeout_s: float = 60.0) -> dict:
    """Steps the primary down (replSetStepDown) and times, by polling hello on every member, how long until
    another member is writable primary; then unfreezes the old primary (replSetFreeze 0)."""
    old = roles(urls)["primary"]
    if old is None:
        raise RuntimeError("the replica set has no primary to step down")
    with client(old) as member:
        started = time.perf_counter()
        member.admin.command("replSetStepDown", 10, secondaryCatchUpPeriodSecs=5)
    new = None
    while new is None:
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError(f"no new primary within {timeout_s} s")
        for url in urls:
            if url == old:
                continue
            try:
                with client(url, serverSelectionTimeoutMS=1000) as member:
                    if member.admin.command("hello").get("isWritablePrimary"):
                        new = url
                        break
            except Exception:  # a member may be busy electing: ask again
                continue
        else:
            time.sleep(0.05)
    election_s = time.perf_counter() - started
    with client(old) as member:
        member.admin.command("replSetFreeze", 0)
    return {"old_primary": old, "new_primary": new, "election_s": round(election_s, 3)}
