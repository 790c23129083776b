"""The chat protocol's limits and names, as README.md specifies them.

Everything on the wire is UTF-8 text, one command, reply or event per line, each line ending in "\n"
(a "\r" just before it is dropped). Read README.md, "The protocol", for every command and error.
"""

import re

#: The longest line the server accepts, in bytes, not counting its "\n". A longer line is answered
#: with "ERR line-too-long" and the connection is closed, whether or not its "\n" has arrived yet.
MAX_LINE_BYTES = 512

#: The most output the server may hold for one client beyond what the operating system's socket
#: buffers have taken. A client whose queue would grow past it is a slow consumer: disconnect it.
MAX_QUEUE_BYTES = 64 * 1024

#: A nickname: a letter, then up to 15 letters, digits, "_" or "-". Case-sensitive.
NICK_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,15}")

#: A room: "#", then 1 to 32 letters, digits, "_" or "-". Case-sensitive.
ROOM_PATTERN = re.compile(r"#[A-Za-z0-9_-]{1,32}")

#: The commands a client may send.
COMMANDS = ("NICK", "JOIN", "PART", "MSG", "PRIV", "NAMES", "PING", "QUIT")


def is_valid_nick(nick: str) -> bool:
    """True if `nick` is a well-formed nickname (fullmatch: "ana\\n" is not one)."""
    return NICK_PATTERN.fullmatch(nick) is not None


def is_valid_room(room: str) -> bool:
    """True if `room` is a well-formed room name, like "#lobby"."""
    return ROOM_PATTERN.fullmatch(room) is not None
