"""Rows as bytes: the record format stored in the slots of data pages. Complete; use it as it is.

A record is the row's values, one after the other, each a one-byte tag and its payload:

    tag 0  NULL      no payload
    tag 1  INTEGER   8 bytes, signed, big-endian
    tag 2  TEXT      2-byte big-endian length n, then n bytes of UTF-8

TEXT is stored as plain UTF-8 (no compression, no escaping): a check looks for your strings in the
database file, inside page boundaries.
"""

from __future__ import annotations

import struct

from .errors import SQLError

NULL_TAG, INTEGER_TAG, TEXT_TAG = 0, 1, 2
_INTEGER = struct.Struct(">q")
_LENGTH = struct.Struct(">H")


def encode_row(values: tuple) -> bytes:
    """The record of a row of Python values (int, str or None)."""
    out = bytearray()
    for value in values:
        if value is None:
            out.append(NULL_TAG)
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -(2**63) <= value < 2**63:
                raise SQLError(f"integer {value} does not fit in 64 bits")
            out.append(INTEGER_TAG)
            out += _INTEGER.pack(value)
        elif isinstance(value, str):
            data = value.encode("utf-8")
            if len(data) > 0xFFFF:
                raise SQLError("string longer than 65535 bytes")
            out.append(TEXT_TAG)
            out += _LENGTH.pack(len(data))
            out += data
        else:
            raise SQLError(f"cannot store a value of type {type(value).__name__}")
    return bytes(out)


def decode_row(record: bytes) -> tuple:
    """The row a record stands for (the inverse of encode_row)."""
    values = []
    i, n = 0, len(record)
    while i < n:
        tag = record[i]
        i += 1
        if tag == NULL_TAG:
            values.append(None)
        elif tag == INTEGER_TAG:
            values.append(_INTEGER.unpack_from(record, i)[0])
            i += _INTEGER.size
        elif tag == TEXT_TAG:
            (length,) = _LENGTH.unpack_from(record, i)
            i += _LENGTH.size
            values.append(record[i:i + length].decode("utf-8"))
            i += length
        else:
            raise SQLError(f"corrupt record: unknown tag {tag} at byte {i - 1}")
    return tuple(values)
