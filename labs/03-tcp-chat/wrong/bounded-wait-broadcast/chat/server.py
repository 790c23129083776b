"""A multi-room TCP chat server on asyncio (lab 03). WRONG on purpose: a member whose queue passes
64 KiB gets a second's grace to catch up before it is dropped, and the broadcast waits out that second,
so one member that stops reading freezes the room (and the sender) for a second. Bounded, not never.


Design:
- One task per connection reads bytes and cuts them into lines itself (a recv boundary means nothing).
- Everything that follows from a line (replies, broadcasts, disconnects) runs synchronously, with no
  await: a message is handed to every recipient's transport in one go, so nobody can slip in between
  and each sender's messages reach each receiver in the order they were sent.
- Sending never waits for a reader. transport.write() takes what the socket accepts and buffers the
  rest; once a client's buffer passes MAX_QUEUE_BYTES it is a slow consumer and is cut off (abort(),
  which drops the buffer and closes at once, instead of close(), which would wait to flush it).
- One idempotent disconnect() removes a client from its rooms (LEFT to the others), frees its nick and
  closes its socket, whatever the reason: QUIT, EOF, a reset, a too-long line or a slow consumer.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from chat.protocol import MAX_LINE_BYTES, MAX_QUEUE_BYTES, is_valid_nick, is_valid_room

GRACE_SECONDS = 1.0

READ_CHUNK = 4096


class ChatError(Exception):
    """A command that fails: answered with "ERR <code>", the connection stays open."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class Client:
    """One connection: its nick once registered, the rooms it is in, and its transport."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.transport = writer.transport
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.nick: str | None = None
        self.rooms: set[str] = set()
        self.closed = False


class ChatServer:
    def __init__(self) -> None:
        self.clients_by_nick: dict[str, Client] = {}
        self.rooms: dict[str, set[Client]] = {}

    # ----- output: never waits ----------------------------------------------------------------

    async def send(self, client: Client, line: str) -> None:
        """Send one line to `client`; past 64 KiB queued, give it GRACE_SECONDS to drain, then drop it."""
        if client.closed:
            return
        client.writer.write(line.encode("utf-8") + b"\n")
        if client.transport.get_write_buffer_size() <= MAX_QUEUE_BYTES:
            return
        try:
            await asyncio.wait_for(client.writer.drain(), GRACE_SECONDS)
        except (TimeoutError, asyncio.TimeoutError):
            await self.disconnect(client, slow=True)
        except ConnectionError:
            await self.disconnect(client)

    @staticmethod
    def transport_backlog(client: Client) -> int:
        return client.transport.get_write_buffer_size()

    async def broadcast(self, room: str, line: str, *, exclude: Client | None = None) -> None:
        # A snapshot: send() may disconnect a slow member, which changes the room's set.
        for member in list(self.rooms.get(room, ())):
            if member is not exclude:
                await self.send(member, line)

    # ----- disconnects: one path for every reason -----------------------------------------------

    async def disconnect(self, client: Client, *, slow: bool = False) -> None:
        if client.closed:
            return
        client.closed = True
        for room in sorted(client.rooms):
            members = self.rooms.get(room)
            if members is None:
                continue
            members.discard(client)
            if members:
                await self.broadcast(room, f"LEFT {room} {client.nick}")
            else:
                del self.rooms[room]
        client.rooms.clear()
        if client.nick is not None and self.clients_by_nick.get(client.nick) is client:
            del self.clients_by_nick[client.nick]
        if slow:
            # Its queue is full and would never drain: drop it and close now.
            client.transport.abort()
        else:
            client.transport.close()

    # ----- input ---------------------------------------------------------------------------------

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Client(writer)
        buffer = bytearray()
        try:
            while not client.closed:
                chunk = await reader.read(READ_CHUNK)
                if not chunk:
                    break  # EOF: the client closed (or half-closed) its side
                buffer += chunk
                while not client.closed:
                    end = buffer.find(b"\n")
                    if end < 0:
                        break
                    if end > MAX_LINE_BYTES:
                        await self.too_long(client)
                        break
                    raw = bytes(buffer[:end])
                    del buffer[: end + 1]
                    await self.handle_raw_line(client, raw)
                if not client.closed and len(buffer) > MAX_LINE_BYTES:
                    await self.too_long(client)
        except (ConnectionError, OSError):
            pass  # a reset: the same as any other disconnect
        finally:
            await self.disconnect(client)

    async def too_long(self, client: Client) -> None:
        await self.send(client, f"ERR line-too-long a line may hold at most {MAX_LINE_BYTES} bytes")
        await self.disconnect(client)

    async def handle_raw_line(self, client: Client, raw: bytes) -> None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            await self.send(client, "ERR bad-encoding lines must be UTF-8")
            return
        if not line:
            return
        verb, _, rest = line.partition(" ")
        handler = self.COMMANDS.get(verb)
        try:
            if handler is None:
                raise ChatError("unknown-command", verb)
            if client.nick is None and verb not in ("NICK", "PING", "QUIT"):
                raise ChatError("not-registered", "send NICK first")
            await handler(self, client, rest)
        except ChatError as error:
            await self.send(client, f"ERR {error.code} {error.detail}".rstrip())

    # ----- commands --------------------------------------------------------------------------------

    async def cmd_nick(self, client: Client, rest: str) -> None:
        if not rest:
            raise ChatError("syntax", "NICK <nick>")
        if client.nick is not None:
            raise ChatError("already-registered", client.nick)
        if not is_valid_nick(rest):
            raise ChatError("nick-invalid", rest)
        if rest in self.clients_by_nick:
            raise ChatError("nick-taken", rest)
        client.nick = rest
        self.clients_by_nick[rest] = client
        await self.send(client, f"OK NICK {rest}")

    def room_arg(self, rest: str, usage: str) -> str:
        if not rest:
            raise ChatError("syntax", usage)
        if not is_valid_room(rest):
            raise ChatError("room-invalid", rest)
        return rest

    async def cmd_join(self, client: Client, rest: str) -> None:
        room = self.room_arg(rest, "JOIN <room>")
        if room in client.rooms:
            raise ChatError("already-in-room", room)
        await self.broadcast(room, f"JOINED {room} {client.nick}")
        self.rooms.setdefault(room, set()).add(client)
        client.rooms.add(room)
        await self.send(client, f"OK JOIN {room}")

    async def cmd_part(self, client: Client, rest: str) -> None:
        room = self.room_arg(rest, "PART <room>")
        self.member_of(client, room)
        members = self.rooms[room]
        members.discard(client)
        client.rooms.discard(room)
        if members:
            await self.broadcast(room, f"LEFT {room} {client.nick}")
        else:
            del self.rooms[room]
        await self.send(client, f"OK PART {room}")

    def member_of(self, client: Client, room: str) -> None:
        if room not in self.rooms:
            raise ChatError("no-such-room", room)
        if room not in client.rooms:
            raise ChatError("not-in-room", room)

    async def cmd_msg(self, client: Client, rest: str) -> None:
        target, _, text = rest.partition(" ")
        if not target or not text:
            raise ChatError("syntax", "MSG <room> <text>")
        if not is_valid_room(target):
            raise ChatError("room-invalid", target)
        self.member_of(client, target)
        await self.broadcast(target, f"FROM {target} {client.nick} {text}", exclude=client)
        await self.send(client, f"OK MSG {target}")

    async def cmd_priv(self, client: Client, rest: str) -> None:
        target, _, text = rest.partition(" ")
        if not target or not text:
            raise ChatError("syntax", "PRIV <nick> <text>")
        recipient = self.clients_by_nick.get(target)
        if recipient is None:
            raise ChatError("no-such-nick", target)
        await self.send(recipient, f"PRIV {client.nick} {text}")
        await self.send(client, f"OK PRIV {target}")

    async def cmd_names(self, client: Client, rest: str) -> None:
        room = self.room_arg(rest, "NAMES <room>")
        members = self.rooms.get(room)
        if not members:
            raise ChatError("no-such-room", room)
        nicks = " ".join(sorted(member.nick for member in members if member.nick))
        await self.send(client, f"OK NAMES {room} {nicks}")

    async def cmd_ping(self, client: Client, rest: str) -> None:
        await self.send(client, f"PONG {rest}" if rest else "PONG")

    async def cmd_quit(self, client: Client, rest: str) -> None:
        await self.send(client, "OK QUIT")
        await self.disconnect(client)

    COMMANDS = {
        "NICK": cmd_nick,
        "JOIN": cmd_join,
        "PART": cmd_part,
        "MSG": cmd_msg,
        "PRIV": cmd_priv,
        "NAMES": cmd_names,
        "PING": cmd_ping,
        "QUIT": cmd_quit,
    }


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
