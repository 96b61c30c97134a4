#!/usr/bin/env python3
"""Wraps C# comments that run past the line limit; run by ./pit format after CSharpier, which never wraps comments.

A `//` or `///` line longer than the limit is broken at spaces; the overflow joins the next line of the same comment
when that line is prose (not a list item, tag or blank), else it gets a line of its own. A comment at the end of a
code line that is too long moves to its own line above the code, at the code's indentation. Raw string literals
(\"\"\" ... \"\"\") are left alone. Idempotent: a file with no long comment is not touched.

usage: wrap_comments.py [--width N] FILE...
"""

import re
import sys

COMMENT = re.compile(r"^(\s*)(///?)( ?)(.*)$")
TAG = re.compile(r"<[^<>]*>")
SUMMARY = re.compile(r"^(\s*///) ?<summary>(.*)</summary>\s*$")
NOT_PROSE = re.compile(r"^(<|-|\*|\d+\.|\||`|$)")


def code_comment_split(line: str) -> int:
    """Index of a trailing `//` outside string and char literals, or -1."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "/" and i + 1 < n and line[i + 1] == "/":
            return i
        if c == "/" and i + 1 < n and line[i + 1] == "*":
            end = line.find("*/", i + 2)
            if end < 0:
                return -1
            i = end + 2
            continue
        if c == "'":
            j = i + 1
            while j < n and line[j] != "'":
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            continue
        if c == '"':
            if line.startswith('"""', i):
                return -1
            verbatim = i > 0 and line[i - 1] == "@" or i > 1 and line[i - 2 : i] in ("@$", "$@")
            j = i + 1
            while j < n:
                if verbatim and line[j] == '"' and j + 1 < n and line[j + 1] == '"':
                    j += 2
                    continue
                if not verbatim and line[j] == "\\":
                    j += 2
                    continue
                if line[j] == '"':
                    break
                j += 1
            i = j + 1
            continue
        i += 1
    return -1


def wrap_text(prefix: str, text: str, width: int) -> tuple[str, str]:
    """The longest head of text that fits after prefix (broken at a space) and the rest; rest is '' when all fits."""
    room = width - len(prefix)
    if len(text) <= room:
        return text, ""
    # Never break inside an XML doc tag (<see cref="..."/>): its spaces are hidden while the cut is chosen.
    text = TAG.sub(lambda m: m.group(0).replace(" ", "\0"), text)
    head, rest = _cut(text, room)
    return head.replace("\0", " "), rest.replace("\0", " ")


def _cut(text: str, room: int) -> tuple[str, str]:
    cut = text.rfind(" ", 0, room + 1)
    if cut <= 0:
        cut = text.find(" ", room)
        if cut < 0:
            return text, ""
    return text[:cut].rstrip(), text[cut + 1 :].lstrip()


def wrap(lines: list[str], width: int) -> list[str]:
    out: list[str] = []
    raw = False
    i = 0
    while i < len(lines):
        line = lines[i]
        quotes = line.count('"""')
        if raw:
            out.append(line)
            raw = quotes % 2 == 0
            i += 1
            continue
        if quotes % 2 == 1:
            raw = True
        if len(line) <= width or quotes:
            out.append(line)
            i += 1
            continue
        summary = SUMMARY.match(line)
        if summary:
            lines[i : i + 1] = [f"{summary.group(1)} <summary>", f"{summary.group(1)} {summary.group(2).strip()}",
                                f"{summary.group(1)} </summary>"]
            continue
        m = COMMENT.match(line)
        if m is None:
            at = code_comment_split(line)
            code = line[:at].rstrip() if at > 0 else ""
            if not code.strip() or line[at:].startswith("///"):
                out.append(line)
                i += 1
                continue
            indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
            lines[i : i + 1] = [indent + line[at:].strip(), code]
            continue
        indent, slashes, space, text = m.groups()
        prefix = f"{indent}{slashes}{space or ' '}"
        head, rest = wrap_text(prefix, text, width)
        if not rest:
            out.append(line)
            i += 1
            continue
        out.append(prefix + head)
        nxt = COMMENT.match(lines[i + 1]) if i + 1 < len(lines) else None
        if nxt and nxt.group(1) == indent and nxt.group(2) == slashes and not NOT_PROSE.match(nxt.group(4)):
            lines[i + 1] = f"{prefix}{rest} {nxt.group(4)}"
        else:
            lines.insert(i + 1, prefix + rest)
        i += 1
    return out


def main(argv: list[str]) -> int:
    width = 120
    if argv[:1] == ["--width"]:
        width, argv = int(argv[1]), argv[2:]
    for path in argv:
        with open(path, encoding="utf-8", newline="") as f:
            original = f.read()
        newline = "\r\n" if "\r\n" in original else "\n"
        lines = original.split(newline)
        wrapped = newline.join(wrap(list(lines), width))
        if wrapped != original:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(wrapped)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
