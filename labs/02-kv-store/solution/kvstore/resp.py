"""RESP2, the Redis serialization protocol: reference solution.

Clients send every command as an array of bulk strings:

    *3\\r\\n$3\\r\\nSET\\r\\n$5\\r\\nhello\\r\\n$5\\r\\nworld\\r\\n

The server answers with one reply per command, in order: a simple string
(+OK), an error (-ERR ...), an integer (:1), a bulk string ($5 hello) or the
null bulk string ($-1, "nil").

A request that does not start with "*" is an inline command, one line of
words as a person types it in telnet (PING, SET k v). redis-cli --pipe ends
its stream with one ("\r\nECHO <20 random characters>\r\n") to learn when
every reply has come back.

TCP is a byte stream, not a message stream. One recv() can hold half a
command, or ten commands and the first bytes of an eleventh. The Parser
therefore keeps a buffer: feed() appends whatever arrived, next_command()
returns complete commands one at a time and None as soon as the rest is
still incomplete, keeping those bytes for the next feed().
"""

from __future__ import annotations

CRLF = b"\r\n"

# Limits as in Redis: a bulk string of at most 512 MiB, and a header line
# (the "*3" or "$5" line) that cannot grow without end.
MAX_BULK_BYTES = 512 * 1024 * 1024
MAX_ARGUMENTS = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024


class ProtocolError(Exception):
    """The bytes are not RESP: the server replies with an error and closes the connection."""


def simple(text: str) -> bytes:
    """A simple string reply: +OK"""
    return b"+" + text.encode() + CRLF


def error(message: str) -> bytes:
    """An error reply: -ERR message. The message must not contain CR or LF."""
    return b"-" + message.replace("\r", " ").replace("\n", " ").encode() + CRLF


def integer(value: int) -> bytes:
    """An integer reply: :42"""
    return b":" + str(value).encode() + CRLF


def bulk(value: bytes | None) -> bytes:
    """A bulk string reply, or the null bulk string ($-1) for None."""
    if value is None:
        return b"$-1" + CRLF
    return b"$" + str(len(value)).encode() + CRLF + value + CRLF


def command(args: list[bytes]) -> bytes:
    """A command as clients send it (an array of bulk strings); also the record format of the log."""
    return b"*" + str(len(args)).encode() + CRLF + b"".join(bulk(arg) for arg in args)


class Parser:
    """Incremental RESP2 request parser: feed it bytes, take complete commands out."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pos = 0  # start of the first byte not yet consumed
        self.consumed = 0  # bytes consumed since the parser was made (the AOF replay uses it)

    def feed(self, data: bytes) -> None:
        """Append bytes as they arrive, in pieces of any size."""
        self._buffer += data

    def pending(self) -> int:
        """Bytes received but not yet part of a complete command."""
        return len(self._buffer) - self._pos

    def next_command(self) -> list[bytes] | None:
        """The next complete command as a list of byte strings, or None if it has not fully arrived.

        Raises ProtocolError when the bytes cannot be RESP. Nothing is consumed
        until a whole command is there, so calling it again after the next
        feed() starts from the same place.
        """
        while True:
            parsed = self._parse_at(self._pos)
            if parsed is None:
                return None
            args, end = parsed
            self.consumed += end - self._pos
            self._pos = end
            self._compact()
            if args:  # Redis ignores empty arrays (*0) and empty inline lines; so do we.
                return args

    def _parse_at(self, pos: int) -> tuple[list[bytes], int] | None:
        buf = self._buffer
        if pos >= len(buf):
            return None
        if buf[pos] != ord("*"):
            return self._parse_inline(pos)
        header = self._line(pos)
        if header is None:
            return None
        count, pos = self._number(header, pos, "invalid multibulk length")
        if count > MAX_ARGUMENTS:
            raise ProtocolError("invalid multibulk length")
        args: list[bytes] = []
        for _ in range(max(count, 0)):
            if pos >= len(buf):
                return None
            if buf[pos] != ord("$"):
                raise ProtocolError(f"expected '$', got '{chr(buf[pos])}'")
            header = self._line(pos)
            if header is None:
                return None
            length, pos = self._number(header, pos, "invalid bulk length")
            if length < 0 or length > MAX_BULK_BYTES:
                raise ProtocolError("invalid bulk length")
            end = pos + length
            if end + 2 > len(buf):
                return None  # the value has not fully arrived
            if buf[end:end + 2] != CRLF:
                raise ProtocolError("bulk string not terminated by CRLF")
            args.append(bytes(buf[pos:end]))
            pos = end + 2
        return args, pos

    def _parse_inline(self, pos: int) -> tuple[list[bytes], int] | None:
        """An inline command: the words of one line ended by LF (a CR before it is dropped).

        An empty line gives no words, which next_command() skips, as Redis does.
        Redis also reads "quoted words" here; this server does not.
        """
        end = self._buffer.find(b"\n", pos)
        if end < 0:
            if len(self._buffer) - pos > MAX_HEADER_BYTES:
                raise ProtocolError("too big inline request")
            return None
        return bytes(self._buffer[pos:end]).split(), end + 1

    def _line(self, pos: int) -> int | None:
        """The index of the CRLF ending the header line at pos, or None if it has not arrived."""
        end = self._buffer.find(CRLF, pos)
        if end < 0:
            if len(self._buffer) - pos > MAX_HEADER_BYTES:
                raise ProtocolError("too big header line")
            return None
        return end

    def _number(self, end: int, pos: int, what: str) -> tuple[int, int]:
        """The integer after the type byte of the header line [pos, end), and where its line ends."""
        digits = bytes(self._buffer[pos + 1:end])
        # Strict: int() alone would also accept " 3", "+3" and "1_0".
        if not digits.removeprefix(b"-").isdigit():
            raise ProtocolError(what)
        return int(digits), end + 2

    def _compact(self) -> None:
        # Drop consumed bytes now and then, not after every command: deleting
        # from the front of a bytearray copies what is left.
        if self._pos == len(self._buffer):
            self._buffer.clear()
            self._pos = 0
        elif self._pos > 64 * 1024:
            del self._buffer[:self._pos]
            self._pos = 0
