"""A tiny interactive client for trying your server by hand.

    python -m chat.client --port 7003

Type protocol lines (NICK ana, JOIN #lobby, MSG #lobby hello, ...); every line the server sends is
printed as it arrives, prefixed with "< ". Ctrl+D closes your sending side (the server sees EOF);
Ctrl+C quits. `--raw` sends what you type without adding anything, to try partial lines: end a line
with "\\" to send it without its newline.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading


def _print_incoming(sock: socket.socket) -> None:
    buffer = b""
    while True:
        try:
            data = sock.recv(65536)
        except OSError as error:
            print(f"* connection error: {error}", flush=True)
            return
        if not data:
            print("* the server closed the connection", flush=True)
            return
        buffer += data
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            print("< " + line.decode("utf-8", "replace"), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m chat.client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7003)
    parser.add_argument("--raw", action="store_true", help='a line ending in "\\" is sent without its newline')
    args = parser.parse_args(argv)
    sock = socket.create_connection((args.host, args.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = threading.Thread(target=_print_incoming, args=(sock,), daemon=True)
    reader.start()
    try:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if args.raw and text.endswith("\\"):
                sock.sendall(text[:-1].encode("utf-8"))
            else:
                sock.sendall(text.encode("utf-8") + b"\n")
        sock.shutdown(socket.SHUT_WR)
        reader.join(5)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


if __name__ == "__main__":
    main()
