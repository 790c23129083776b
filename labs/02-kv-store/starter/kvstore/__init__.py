"""kvstore: an in-memory key-value store that speaks the Redis protocol (lab 02).

Modules, in the order a request meets them:

* server.py    the asyncio TCP server and its command line (python -m kvstore.server)
* resp.py      RESP2: the incremental request parser and the reply encoders
* commands.py  the commands, their replies and errors, and what they write to the log
* keyspace.py  the dict of keys, with lazy and active expiry
* aof.py       the append-only log: fsync, recovery, compaction
"""
