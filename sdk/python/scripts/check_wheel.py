"""Checks a built wheel: the package's modules, py.typed and the event schema (docs/EVENT_SCHEMA.json's bytes, not a
link), nothing else; no runtime dependency. Usage: check_wheel.py WHEEL SCHEMA"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

EXPECTED = {
    "pit_sdk/__init__.py",
    "pit_sdk/_async_client.py",
    "pit_sdk/_client.py",
    "pit_sdk/_delivery.py",
    "pit_sdk/_options.py",
    "pit_sdk/_schema.py",
    "pit_sdk/_transport.py",
    "pit_sdk/_uuid7.py",
    "pit_sdk/_version.py",
    "pit_sdk/errors.py",
    "pit_sdk/event_schema.json",
    "pit_sdk/events.py",
    "pit_sdk/py.typed",
    "pit_sdk/results.py",
}


def main(wheel: str, schema: str) -> int:
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if not n.startswith("pit_platform_sdk-")}
        problems = [f"missing {n}" for n in sorted(EXPECTED - names)]
        problems += [f"unexpected {n}" for n in sorted(names - EXPECTED)]
        if (
            "pit_sdk/event_schema.json" in names
            and archive.read("pit_sdk/event_schema.json") != Path(schema).read_bytes()
        ):
            problems.append("pit_sdk/event_schema.json differs from docs/EVENT_SCHEMA.json")
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
        if "Requires-Dist:" in text:
            problems.append("the wheel declares a runtime dependency")
        if "Name: pit-platform-sdk" not in text or "Requires-Python: >=3.11" not in text:
            problems.append("METADATA lacks the name pit-platform-sdk or Requires-Python >=3.11")
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_wheel: {Path(wheel).name}: {len(EXPECTED)} files, schema identical, no dependencies")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
