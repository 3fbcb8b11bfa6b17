"""Reading a pack file someone sent, before anything in it is believed.

A pack comes from outside (an awarding body's site, an email, a USB stick) and its text ends
up in every PDF a centre prints. Each of these once gave a traceback, hung, or was taken in:
a directory, an unreadable file, /dev/zero, a FIFO (reading it waited for ever), nesting
200,000 deep, a number like 10**100, a lone surrogate, duplicate keys (which value counts?),
bidirectional control characters (text that displays other than it reads), and a 49 MB
criterion that grew the database thirty-fold. Each is now a problem naming the line and
what is wrong, and the file is read once, as bytes, from a regular file only.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any, Callable

MAX_PACK_BYTES = 50 * 1024 * 1024    # the largest shipped pack is well under 1 MB
MAX_DEPTH = 40                       # a pack nests about 8 deep
MAX_TEXT = 20_000                    # characters in one field; the longest shipped is ~3,000
MAX_DIGITS = 15                      # credits, hours, levels: nothing near a billion
# Characters that reorder how text displays (Trojan Source, CVE-2021-42574).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
SURROGATE = re.compile("[\ud800-\udfff]")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|(?<![.\d])-?\d{%d,}' % (MAX_DIGITS + 1))


class PackFileProblem(Exception):
    """The file cannot be read as a pack; ``problems`` are sentences, each naming its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def read_pack_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything but a readable regular file of sensible size:
    never opening a FIFO or a device, which can block for ever or never end."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise PackFileProblem([f"the file cannot be read ({exc.strerror or exc})"]) from None
    if stat.S_ISDIR(info.st_mode):
        raise PackFileProblem(["this is a folder, not a pack file; choose the .json file "
                               "inside it"])
    if not stat.S_ISREG(info.st_mode):
        raise PackFileProblem(["this is not an ordinary file (a device, pipe or socket); "
                               "a pack is a JSON text file"])
    if info.st_size > MAX_PACK_BYTES:
        raise PackFileProblem([f"the file is {info.st_size // (1024 * 1024)} MB; a "
                               f"specification pack is a small JSON text file, so this is "
                               f"not one"])
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PACK_BYTES + 1)
    except OSError as exc:
        raise PackFileProblem([f"the file cannot be read ({exc.strerror or exc})"]) from None
    if len(raw) > MAX_PACK_BYTES:      # it grew while we looked
        raise PackFileProblem(["the file is larger than a specification pack can be"])
    return raw


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise PackFileProblem([f"line {line}, column {col}: the file is not UTF-8 text "
                               f"(byte 0x{raw[e.start]:02x} cannot be decoded)"]) from None
    return text[1:] if text.startswith("\ufeff") else text


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return f"line {line}, column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def shape_problems(text: str) -> list[str]:
    """Nesting too deep and numbers too long, found by scanning (json.loads would recurse
    past Python's limit, or build a 100-digit int SQLite cannot store)."""
    depth, problems = 0, []
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return [f"{_where(text, m.start())}: nested more than {MAX_DEPTH} deep; a "
                        f"pack is never more than about 8 deep"]
        elif token in "]}":
            depth -= 1
        elif token[0] != '"' and len(problems) < 5:
            problems.append(f"{_where(text, m.start())}: the number {token[:20]}… has "
                            f"{len(token.lstrip('-'))} digits; no credit, hour or level is "
                            f"that large")
    return problems


def parse(text: str) -> tuple[Any, list[str]]:
    """Parse strictly: duplicate keys, NaN/Infinity and numbers too large are problems."""
    problems: list[str] = []
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        seen: dict = {}
        for key, value in items:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen[key] = value
        return seen

    def found(token: str) -> str:
        match = re.search(r"(?<![\w\"])%s(?![\w\"])" % re.escape(token), text)
        return _where(text, match.start()) if match else "somewhere in the file"

    def constant(name: str):
        problems.append(f"{found(name)}: {name} is not a number a pack can hold")
        return None

    def real(token: str) -> float:
        value = float(token)
        if not math.isfinite(value):
            problems.append(f"{found(token)}: the number {token[:20]} is too large")
        return value

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant,
                          parse_float=real)
    except json.JSONDecodeError as e:
        raise PackFileProblem([f"line {e.lineno}, column {e.colno}: the file is not valid "
                               f"JSON ({e.msg})"]) from None
    except RecursionError:
        raise PackFileProblem([f"nested more than {MAX_DEPTH} deep"]) from None
    except ValueError as e:      # e.g. an integer past Python's 4,300-digit limit
        raise PackFileProblem([f"the file cannot be read as a pack ({e})"]) from None
    for key in duplicates:
        match = re.search(r'"%s"\s*:' % re.escape(json.dumps(key)[1:-1]), text)
        place = _where(text, match.start()) if match else "somewhere"
        times = len(re.findall(r'"%s"\s*:' % re.escape(json.dumps(key)[1:-1]), text))
        problems.append(f"{place}: the key \"{key}\" appears {times} times in one object; "
                        f"which one counts is unclear, so keep only one")
    return data, problems


def text_problems(data: Any, locate: Callable[[tuple], str]) -> list[str]:
    """Every string: no lone surrogates, no bidirectional controls, not absurdly long."""
    problems: list[str] = []

    def walk(node: Any, path: tuple) -> None:
        if len(problems) >= 20:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                if SURROGATE.search(key) or BIDI.search(key):
                    problems.append(f"{locate(path)}: a field name contains a broken or "
                                    f"direction-changing character")
                    continue
                walk(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (i,))
        elif isinstance(node, str):
            if SURROGATE.search(node):
                problems.append(f"{locate(path)}: contains a broken character (a lone "
                                f"UTF-16 surrogate, written as \\ud800–\\udfff)")
            bidi = BIDI.search(node)
            if bidi:
                problems.append(f"{locate(path)}: contains a control character "
                                f"(U+{ord(bidi.group()):04X}) that changes the direction "
                                f"text is shown in, so it could read differently on screen "
                                f"and on paper; remove it")
            if len(node) > MAX_TEXT:
                problems.append(f"{locate(path)}: is {len(node):,} characters long; at most "
                                f"{MAX_TEXT:,} are accepted in one field")
    walk(data, ())
    return problems
