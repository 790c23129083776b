"""A multi-room TCP chat server (lab 03): the starter.

Run it:      python -m chat.server --port 7003      (--port 0 picks a free port)
Talk to it:  python -m chat.client --port 7003      (or: nc 127.0.0.1 7003)

It starts, prints `LISTENING <port>` (the checks wait for that line: keep it) and accepts connections,
one asyncio task per connection. It knows PING, a NICK without any rules, and QUIT. Everything else is
yours to build: read README.md, "The protocol", and the TODOs below.

Beware, this skeleton is naive on purpose, in ways the checks will find:
- it trusts `reader.readline()` to hand it one sane line at a time;
- `send()` waits for the client to read (`await writer.drain()`), so one client that stops reading
  stops whoever is sending to it;
- a client that vanishes without QUIT leaves its traces behind.
You may keep asyncio or rewrite the server with `selectors` or threads: the checks only talk TCP to
`python -m chat.server --host 127.0.0.1 --port 0` and read the `LISTENING <port>` line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from chat.protocol import MAX_LINE_BYTES, MAX_QUEUE_BYTES, is_valid_nick, is_valid_room  # noqa: F401 (for you)


class Client:
    """One connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.nick: str | None = None
        # TODO: the rooms this client is in.


class ChatServer:
    """The state shared by all connections: who is connected, which rooms exist and who is in them."""

    def __init__(self) -> None:
        self.clients: list[Client] = []
        # TODO: find a client by nick quickly, and the members of each room.

    async def send(self, client: Client, line: str) -> None:
        """Send one line to one client.

        TODO: this waits until the client has read enough (drain). Called in a loop over a room's
        members, one stalled member stops the whole loop, and the sender with it. Make sending
        never wait, and bound what you keep for a client (MAX_QUEUE_BYTES): see "Slow consumers".
        """
        client.writer.write(line.encode("utf-8") + b"\n")
        await client.writer.drain()

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Runs once per connection, as its own task, until the client leaves."""
        client = Client(reader, writer)
        self.clients.append(client)
        while True:
            # TODO: readline() raises on a line over 64 KiB, waits forever for a "\n" that never comes,
            # and raises on a reset. Frame lines yourself, or handle every one of those cases.
            raw = await reader.readline()
            if not raw:
                break  # EOF
            line = raw.decode("utf-8").strip()  # TODO: bytes that are not UTF-8; strip() eats spaces
            if await self.handle_line(client, line) == "quit":
                break
        # TODO: this only runs when the loop ends normally. Whatever way a client leaves, it must leave
        # its rooms (LEFT to the others), free its nick and have its socket closed.
        self.clients.remove(client)
        writer.close()

    async def handle_line(self, client: Client, line: str) -> str | None:
        """Handle one command line. Returns "quit" when the connection should end."""
        verb, _, rest = line.partition(" ")
        if verb == "PING":
            await self.send(client, f"PONG {rest}" if rest else "PONG")
        elif verb == "NICK":
            # TODO: syntax, nick-invalid, nick-taken, already-registered.
            client.nick = rest
            await self.send(client, f"OK NICK {rest}")
        elif verb == "QUIT":
            await self.send(client, "OK QUIT")
            return "quit"
        else:
            # TODO: not-registered, JOIN, PART, MSG, PRIV, NAMES, and unknown-command for the rest.
            await self.send(client, f"ERR unknown-command {verb} is not implemented yet")
        return None


async def serve(host: str, port: int) -> None:
    chat = ChatServer()
    server = await asyncio.start_server(chat.handle_connection, host, port)
    bound = server.sockets[0].getsockname()[1]
    print(f"LISTENING {bound}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m chat.server", description="A multi-room TCP chat server.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7003, help="port to listen on; 0 picks a free one (default 7003)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.host, args.port))
    except KeyboardInterrupt:
        print("bye", file=sys.stderr)


if __name__ == "__main__":
    main()
