"""Hidden checks for the MongoDB half: they call the learner's mongo_replication functions against the live
three-member replica set and re-measure the claims of report.json there.

Each member is reached directly (directConnection=true) through DELABS_SERVICE_MONGO1_URL ... MONGO3_URL.
When the set does not answer, every test here is skipped, which the checker reports as "could not run".
Where a secondary must certainly be behind, the checks fsyncLock the secondaries (replication pauses on a
locked member) and always unlock them afterwards.
"""

import json
import os
import time
import uuid
from pathlib import Path

import pytest

pymongo = pytest.importorskip("pymongo")

URLS = [
    os.environ.get("DELABS_SERVICE_MONGO1_URL", "mongodb://127.0.0.1:27081"),
    os.environ.get("DELABS_SERVICE_MONGO2_URL", "mongodb://127.0.0.1:27082"),
    os.environ.get("DELABS_SERVICE_MONGO3_URL", "mongodb://127.0.0.1:27083"),
]
GUARANTEED = {
    "primary": True,
    "secondary_local_w1": False,
    "secondary_majority_wmajority_no_session": False,
    "secondary_causal_session_majority": True,
}


def client(url, timeout_ms=3000):
    return pymongo.MongoClient(url, directConnection=True, serverSelectionTimeoutMS=timeout_ms)


def hello(url):
    with client(url) as member:
        return member.admin.command("hello")


def live_roles():
    primary, secondaries = None, []
    for url in URLS:
        reply = hello(url)
        if reply.get("isWritablePrimary"):
            primary = url
        elif reply.get("secondary"):
            secondaries.append(url)
    return primary, secondaries


def wait_for_primary(timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            primary, secondaries = live_roles()
            if primary and len(secondaries) == 2:
                return primary, secondaries
        except pymongo.errors.PyMongoError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the replica set has no primary with two secondaries after {timeout_s} s")


@pytest.fixture(scope="module", autouse=True)
def replica_set():
    try:
        for url in URLS:
            hello(url)
    except pymongo.errors.PyMongoError as error:
        pytest.skip(f"the MongoDB replica set does not answer at {', '.join(URLS)} ({type(error).__name__}): start the lab's services")
    return wait_for_primary()


def load_report():
    path = Path("report.json")
    assert path.exists(), "report.json is missing from the lab folder: run python measure.py to write it"
    section = json.loads(path.read_text()).get("mongodb")
    assert isinstance(section, dict), "report.json has no \"mongodb\" object: run python measure.py --only mongodb"
    return section


def learner():
    import mongo_replication

    return mongo_replication


class LockedSecondaries:
    """fsyncLock every secondary: they stop applying the oplog until unlocked."""

    def __init__(self, secondaries):
        self.secondaries = secondaries

    def __enter__(self):
        for url in self.secondaries:
            with client(url) as member:
                member.admin.command("fsync", lock=True)
        return self

    def __exit__(self, *exc):
        for url in self.secondaries:
            with client(url) as member:
                for _ in range(10):  # the lock is counted: unlock until the count is 0
                    if member.admin.command("fsyncUnlock").get("lockCount", 0) == 0:
                        break


def test_replica_set_status(replica_set):
    with client(URLS[0]) as member:
        status = member.admin.command("replSetGetStatus")
    live = {m["name"]: m["stateStr"] for m in status["members"]}
    got = learner().replica_set_status(URLS)
    assert isinstance(got, dict), f"replica_set_status(urls) returned {got!r}; expected a dict"
    assert got.get("set_name") == status["set"], f"replica_set_status(urls)['set_name'] is {got.get('set_name')!r}; the set is {status['set']!r}"
    members = {m.get("name"): m.get("state") for m in got.get("members", [])}
    assert members == live, f"replica_set_status(urls)['members'] gives {members}; replSetGetStatus says {live}"
    primary = next(name for name, state in live.items() if state == "PRIMARY")
    assert got.get("primary") == primary, f"replica_set_status(urls)['primary'] is {got.get('primary')!r}; the primary is {primary!r}"
    lag = got.get("max_secondary_lag_s")
    assert isinstance(lag, (int, float)) and 0 <= lag < 60, f"replica_set_status(urls)['max_secondary_lag_s'] is {lag!r}; expected seconds between the primary's optime and the slowest secondary's, 0 or more"
    report = load_report()
    assert report.get("set_name") == status["set"] and report.get("members") == len(live), (
        f"report.json says mongodb.set_name = {report.get('set_name')!r}, members = {report.get('members')!r}; the live set is {status['set']!r} with {len(live)} members"
    )


def test_visibility_lag_live(replica_set):
    mongo = learner()
    lag = mongo.visibility_lag(URLS, timeout_s=5.0)
    assert isinstance(lag, float) and 0 < lag < 5, f"visibility_lag(urls) returned {lag!r}; expected the seconds until a secondary returned the document, between 0 and 5"
    _, secondaries = wait_for_primary()
    with LockedSecondaries(secondaries):
        started = time.monotonic()
        locked = mongo.visibility_lag(URLS, timeout_s=1.0)
        took = time.monotonic() - started
    assert locked is None, (
        f"with both secondaries fsync-locked (not applying the oplog), visibility_lag(urls, timeout_s=1.0) returned {locked!r} instead of None: "
        "the document cannot be on a secondary, so the read went to the primary"
    )
    assert took >= 0.9, f"with the secondaries locked, visibility_lag(timeout_s=1.0) gave up after {took:.2f} s; poll until timeout_s has passed"
    samples = load_report().get("lag", {}).get("samples_ms")
    assert isinstance(samples, list) and len(samples) >= 20 and all(isinstance(s, (int, float)) and s > 0 for s in samples), (
        "report.json mongodb.lag.samples_ms should hold at least 20 positive measurements in milliseconds"
    )


def test_read_your_writes_claims(replica_set):
    mongo = learner()
    claims = load_report().get("read_your_writes")
    assert isinstance(claims, dict) and set(claims) == set(GUARANTEED), f"report.json mongodb.read_your_writes must have exactly the keys {sorted(GUARANTEED)}; it has {claims!r}"
    wrong = {name: claims[name] for name in GUARANTEED if claims[name] is not GUARANTEED[name]}
    assert not wrong, "report.json mongodb.read_your_writes is wrong for " + ", ".join(
        f"{name} (says {value!r}, but {'it is guaranteed' if GUARANTEED[name] else 'nothing makes the secondary wait for the write'})" for name, value in wrong.items()
    )
    for name, settings in mongo.READ_SETTINGS.items():
        if GUARANTEED.get(name):
            seen = sum(bool(mongo.read_after_write(URLS, **settings)) for _ in range(10))
            assert seen == 10, f"read_after_write(urls, **READ_SETTINGS[{name!r}]) saw its own write in {seen} of 10 tries; this setting guarantees it"
    _, secondaries = wait_for_primary()
    with LockedSecondaries(secondaries[:1]):
        # With one secondary locked, a w:1 write read at once from it cannot be there.
        settings = dict(mongo.READ_SETTINGS["secondary_local_w1"])
        seen = [mongo.read_after_write([URLS[URLS.index(secondaries[0])]] + [u for u in URLS if u != secondaries[0]], **settings) for _ in range(3)]
    assert not all(seen), "read_after_write with secondary_local_w1 saw the write on a locked secondary every time: does it read from the primary?"


def test_failover(replica_set):
    mongo = learner()
    before, _ = wait_for_primary()
    try:
        result = mongo.step_down_and_time_election(URLS)
    finally:
        after, _ = wait_for_primary(90)
        for url in URLS:
            try:
                with client(url) as member:
                    if not member.admin.command("hello").get("isWritablePrimary"):
                        member.admin.command("replSetFreeze", 0)
            except pymongo.errors.PyMongoError:
                pass
    assert after != before, f"after step_down_and_time_election(urls) the primary is still {before}: it did not step down"
    assert isinstance(result, dict) and result.get("old_primary") == before and result.get("new_primary") == after, (
        f"step_down_and_time_election(urls) returned {result!r}; the primary went from {before} to {after}"
    )
    election = result.get("election_s")
    assert isinstance(election, (int, float)) and 0 < election < 60, f"election_s is {election!r}; expected the seconds from replSetStepDown to a new writable primary"
    failover = load_report().get("failover", {})
    assert isinstance(failover.get("election_s"), (int, float)) and 0 < failover["election_s"] < 60, f"report.json mongodb.failover.election_s is {failover.get('election_s')!r}"
    assert failover.get("w1_acknowledged_can_roll_back") is True and failover.get("majority_acknowledged_can_roll_back") is False, (
        f"report.json says w1_acknowledged_can_roll_back = {failover.get('w1_acknowledged_can_roll_back')!r}, majority_acknowledged_can_roll_back = "
        f"{failover.get('majority_acknowledged_can_roll_back')!r}: which writes can the new primary never have seen?"
    )
