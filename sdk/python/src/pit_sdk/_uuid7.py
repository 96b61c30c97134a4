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
    # 48 bits of milliseconds, the version nibble and 12 random bits, the variant and 62 random bits, as bytes made
    # hex at once: cheaper than assembling one 128-bit int and formatting it.
    h = (
        (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF).to_bytes(6, "big")
        + bytes((0x70 | buffer[at] & 0x0F, buffer[at + 1], 0x80 | buffer[at + 2] & 0x3F))
        + buffer[at + 3 : at + 10]
    ).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
