"""The one byte-exact form of a record that a signature covers.

Sorted keys, no whitespace, UTF-8, dates and times as ISO 8601: two devices (or the centre,
years later) serialising the same content get the same bytes, so the same SHA-256.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical_json(content: dict) -> bytes:
    return json.dumps(_plain(content), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(content: dict) -> str:
    return sha256_hex(canonical_json(content))


def flatten(content: Any, prefix: str = "") -> dict[str, Any]:
    """'details.notes' -> value, so a comparison can name each field that changed."""
    content = _plain(content)
    out: dict[str, Any] = {}
    if isinstance(content, dict):
        for key in sorted(content):
            out.update(flatten(content[key], f"{prefix}.{key}" if prefix else key))
    elif isinstance(content, list) and content and all(isinstance(v, dict) and "key" in v
                                                       for v in content):
        # Lists of keyed items (mapped ACs, attachments) compare item by item, not by position.
        for item in content:
            rest = {k: v for k, v in item.items() if k != "key"}
            out.update(flatten(rest, f"{prefix}[{item['key']}]"))
    else:
        out[prefix] = content
    return out


def compare(before: dict, after: dict) -> list[tuple[str, Any, Any]]:
    """Field-by-field differences: (field, before, after); None where a side lacks it."""
    a, b = flatten(before), flatten(after)
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
