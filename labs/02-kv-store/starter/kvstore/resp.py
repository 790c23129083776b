"""RESP2, the Redis serialization protocol.

Clients send every command as an array of bulk strings. `SET hello world` is:

    *3\\r\\n$3\\r\\nSET\\r\\n$5\\r\\nhello\\r\\n$5\\r\\nworld\\r\\n

("*3": an array of three elements; "$3": a bulk string of 3 bytes, then the
bytes, then CRLF). The server answers each command with one reply, in order:

    +OK\\r\\n                      simple string
    -ERR syntax error\\r\\n        error
    :42\\r\\n                      integer
    $5\\r\\nworld\\r\\n              bulk string (binary-safe: its length says where it ends)
    $-1\\r\\n                      null bulk string: "nil", e.g. GET of a missing key

A request that does not start with "*" is an inline command: one line of
words, as a person types it in telnet ("SET k v\\r\\n"). The line ends at LF
(drop a CR before it) and its words are separated by spaces or tabs; an
empty line is ignored. redis-cli --pipe needs this: it ends its stream with
"\\r\\nECHO <20 random characters>\\r\\n" and waits for the echo.

TCP is a byte stream, not a message stream. One recv() can hold half a
command, or ten commands and the first bytes of an eleventh, or a 1 MiB
value split over a hundred reads. Never assume one read is one command.
"""

from __future__ import annotations

CRLF = b"\r\n"

# Limits as in Redis: a bulk string of at most 512 MiB, and a header line
# (the "*3" or "$5" line) that cannot grow without end.
MAX_BULK_BYTES = 512 * 1024 * 1024
MAX_ARGUMENTS = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024


class ProtocolError(Exception):
    """The bytes are not RESP: the server replies "-ERR Protocol error: <message>" and closes the connection."""


def simple(text: str) -> bytes:
    """A simple string reply: simple("OK") == b"+OK\\r\\n"."""
    return b"+" + text.encode() + CRLF


def error(message: str) -> bytes:
    """An error reply: error("ERR syntax error") == b"-ERR syntax error\\r\\n". No CR or LF inside."""
    return b"-" + message.replace("\r", " ").replace("\n", " ").encode() + CRLF


def integer(value: int) -> bytes:
    """An integer reply: integer(-2) == b":-2\\r\\n"."""
    # TODO
    raise NotImplementedError("resp.integer() is not written yet")


def bulk(value: bytes | None) -> bytes:
    """A bulk string reply: bulk(b"hi") == b"$2\\r\\nhi\\r\\n"; bulk(b"") == b"$0\\r\\n\\r\\n"; bulk(None) == b"$-1\\r\\n"."""
    # TODO
    raise NotImplementedError("resp.bulk() is not written yet")


def command(args: list[bytes]) -> bytes:
    """A command as a client sends it, an array of bulk strings:
    command([b"GET", b"k"]) == b"*2\\r\\n$3\\r\\nGET\\r\\n$1\\r\\nk\\r\\n".

    Handy as the record format of the append-only log: the log can then be
    replayed with the same Parser that reads the network.
    """
    # TODO
    raise NotImplementedError("resp.command() is not written yet")


class Parser:
    """Incremental RESP2 request parser: feed it bytes as they arrive, take complete commands out.

    One Parser per connection (and one to replay the log).
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pos = 0  # where the first byte not yet consumed is
        self.consumed = 0  # bytes consumed by complete commands so far (replaying the log needs it)

    def feed(self, data: bytes) -> None:
        """Append bytes as they arrive, in pieces of any size."""
        self._buffer += data

    def pending(self) -> int:
        """Bytes received but not yet part of a complete command."""
        return len(self._buffer) - self._pos

    def next_command(self) -> list[bytes] | None:
        """The next complete command as a list of byte strings, e.g. [b"SET", b"k", b"v"].

        Returns None when the buffer holds no complete command yet: then
        nothing must be consumed, so that after the next feed() parsing starts
        again from the same place. Raises ProtocolError when the bytes cannot
        be RESP (a "*" or "$" length that is not a number, an array element
        that does not start with "$", a bulk string not followed by CRLF, a
        header or inline line longer than MAX_HEADER_BYTES).
        Advances self.consumed by the size of each command it returns.
        Skip empty commands (an empty array *0\\r\\n, an empty inline line): never return [].
        """
        # TODO: starting at self._pos:
        #       * "*": parse "*<count>\r\n", then <count> times "$<length>\r\n<length bytes>\r\n";
        #       * anything else: an inline command, the words of the line up to the next LF.
        #       Return None as soon as any part is missing.
        #       Only once a whole command is there: move self._pos past it and return it.
        #       Drop consumed bytes from the buffer now and then (not after every command:
        #       deleting from the front of a bytearray copies everything after it).
        raise NotImplementedError("resp.Parser.next_command() is not written yet")
