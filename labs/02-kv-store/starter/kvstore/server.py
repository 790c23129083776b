"""The TCP server: python -m kvstore.server --port 6380 --dir data

One asyncio event loop serves every client, as Redis's single thread does:
commands run one at a time, so no command ever sees another half done, and
no lock is needed. What must never happen is a blocking wait inside the loop
(a sleep, a read from a socket): every other client would stop with it.

Per connection: read whatever bytes arrived, feed them to the client's own
parser, run every complete command in order, make their writes durable with
one fsync (Database.commit), and only then send their replies, in order.

This file is complete: read it to see how the pieces fit together. Your work
is in resp.py, commands.py, keyspace.py and aof.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import traceback
from functools import partial
from pathlib import Path

from . import resp
from .commands import Database

DEFAULT_PORT = 6380
DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024
# The active expiry sweep runs this often (Redis: 10 times a second).
SWEEP_INTERVAL_SECONDS = 0.1
READ_BYTES = 64 * 1024


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kvstore.server", description="An in-memory key-value store that speaks RESP2.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})")
    parser.add_argument("--dir", default="data", help="folder of appendonly.aof (default ./data)")
    parser.add_argument(
        "--compact-bytes",
        type=int,
        default=DEFAULT_COMPACT_BYTES,
        help=f"rewrite the log as a snapshot once it grows past this many bytes (default {DEFAULT_COMPACT_BYTES})",
    )
    return parser.parse_args(argv)


def run_command(db: Database, args: list[bytes]) -> bytes:
    """db.execute, but a bug in a command handler becomes an error reply, not a dropped connection."""
    try:
        return db.execute(args)
    except Exception as exc:  # noqa: BLE001  (the server must survive its own bugs)
        traceback.print_exc()
        return resp.error(f"ERR internal error: {type(exc).__name__}: {exc}")


async def handle_client(db: Database, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    parser = resp.Parser()
    try:
        while True:
            data = await reader.read(READ_BYTES)
            if not data:
                break  # the client closed the connection
            parser.feed(data)
            replies: list[bytes] = []
            close = False
            try:
                # Every complete command in the buffer, not just the first: a
                # pipelining client sends many before reading any reply.
                while (args := parser.next_command()) is not None:
                    replies.append(run_command(db, args))
            except resp.ProtocolError as exc:
                replies.append(resp.error(f"ERR Protocol error: {exc}"))
                close = True  # the stream is out of step: Redis closes it too
            except Exception as exc:  # noqa: BLE001
                traceback.print_exc()
                replies.append(resp.error(f"ERR internal error: {type(exc).__name__}: {exc}"))
                close = True
            # Durable first, acknowledged second.
            db.commit()
            if replies:
                writer.write(b"".join(replies))
                await writer.drain()
            if close:
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def sweep_forever(db: Database) -> None:
    """Active expiry: remove expired keys that nobody reads."""
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        db.keyspace.sweep()


async def serve(args: argparse.Namespace) -> None:
    # Recover before listening: a client that can connect sees every acknowledged write.
    db = Database.open(Path(args.dir), args.compact_bytes)
    server = await asyncio.start_server(partial(handle_client, db), args.host, args.port)
    print(f"kvstore: listening on {args.host}:{args.port}, data in {args.dir}", flush=True)
    sweeper = asyncio.create_task(sweep_forever(db))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows has no add_signal_handler
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        sweeper.cancel()
        server.close()
        db.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
