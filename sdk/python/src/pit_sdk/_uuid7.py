"""RFC 9562 UUIDv7 event ids: 48 bits of Unix milliseconds, then 74 random bits, so ids sort by creation time."""

from __future__ import annotations

import os
import threading
import time

_BUFFER = 4096
_local = threading.local()


def uuid7() -> str:
    """A new UUIDv7 in its canonical text form.

    os.urandom costs microseconds per call in some containers, so each thread draws its random bits from a buffer of
    OS randomness refilled 4 KiB at a time (as the C# SDK does).
    """
    buffer: bytes | None = getattr(_local, "buffer", None)
    at: int = getattr(_local, "at", _BUFFER)
    if buffer is None or at > _BUFFER - 10:
        buffer = _local.buffer = os.urandom(_BUFFER)
        at = 0
    _local.at = at + 10
    rand = int.from_bytes(buffer[at : at + 10], "big")  # 80 bits; 74 are kept
    value = (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 68) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # the RFC 4122 variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b, 62 bits
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
