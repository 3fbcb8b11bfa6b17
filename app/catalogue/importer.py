"""Importing a specification pack a centre has been sent ("Import qualification…").

The file is read and validated completely before the database is touched; problems are
reported with the line and column of the file they concern, so whoever edits the pack can
go straight to it. Loading is one write transaction (the store's writer), so a pack is
either all in or not in at all. A pack whose bytes are already loaded changes nothing; a
changed pack (a newer version) is added beside the old one, which stays for the
enrolments pinned to it.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.loader import load_pack_data
from app.catalogue.pack_documents import keep_document
from app.catalogue import pack_file
from app.catalogue.corrected_in_place import CORRECTS
from app.catalogue.pack import PackProblem, validate_pack
from app.models import Qualification, SpecPack

MAX_PACK_BYTES = pack_file.MAX_PACK_BYTES


class PackImportError(Exception):
    """The file cannot be imported; `problems` are sentences naming line and problem."""

    def __init__(self, file: str, problems: list[str]):
        self.file, self.problems = file, problems
        n = len(problems)
        super().__init__(f"{file} cannot be imported ({n} problem{'s' if n != 1 else ''}):\n"
                         + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class PreparedPack:
    path: str
    data: dict
    sha256: str
    # "line L, column C: pack_id", for a refusal that only the loaded catalogue can make
    pack_id_at: str = "line 1, column 1: pack_id"
    # The file's bytes, kept with the pack so it can travel to the centre (app/sync/packs.py)
    document: bytes = field(default=b"", repr=False)

    @property
    def pack_id(self) -> str:
        return self.data["pack_id"]


@dataclass
class ImportResult:
    pack_id: str
    new: bool
    qualifications: list[tuple[str, str]]               # (id, title) of this pack
    older_versions: list[str] = field(default_factory=list)  # titles kept beside it

    def message(self) -> str:
        names = "; ".join(title for _, title in self.qualifications)
        if not self.new:
            return f"{names} is already in the catalogue, exactly as in this file: nothing changed."
        if self.older_versions:
            return (f"Imported {names}. The earlier version stays beside it for learners "
                    f"already enrolled on it.")
        return f"Imported {names}."


# -- where in the file ---------------------------------------------------------------------

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def value_positions(text: str) -> dict[tuple, tuple[int, int]]:
    """(line, column) of every value in a JSON text that is known to parse, keyed by its
    path of keys and list indexes. Python's json module keeps no positions, so this walks
    the text once more."""
    positions: dict[tuple, tuple[int, int]] = {}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    decoder = json.JSONDecoder()

    def where(i: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, i - line_starts[lo] + 1

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        positions[path] = where(i)
        ch = text[i]
        if ch == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = json.decoder.scanstring(text, skip(i) + 1)
                i = skip(i) + 1  # the colon
                i = skip(value(i, path + (key,)))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if ch == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                i = skip(value(i, path + (n,)))
                n += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if ch == '"':
            return json.decoder.scanstring(text, i + 1)[1]
        m = _NUMBER.match(text, i)
        if m:
            return m.end()
        _, end = decoder.raw_decode(text, i)  # true / false / null
        return end

    value(0, ())
    return positions


def _located(problems: list[PackProblem], data: Any, text: str) -> list[str]:
    from app.catalogue.pack import _fmt_path  # the validator's own way of naming a place
    try:
        positions = value_positions(text)
    except Exception:  # never let locating a problem hide the problem itself
        positions = {}
    by_name: dict[str, tuple[int, int]] = {}
    for raw in sorted(positions, key=len):
        by_name.setdefault(_fmt_path(data, raw), positions[raw])
    out = []
    for p in problems:
        if p.line:
            out.append(p.message)
            continue
        place, name = None, p.path
        while name and place is None:  # the nearest enclosing value that has a position
            place = by_name.get(name)
            cut = max(name.rfind("."), name.rfind("["))
            name = name[:cut] if cut > 0 else ""
        place = place or (1, 1)
        out.append(f"line {place[0]}, column {place[1]}: {p.message}")
    return out


# -- reading and importing -----------------------------------------------------------------

def prepare_pack(path: str | Path) -> PreparedPack:
    """Read and validate the whole file. Raises PackImportError; touches no database."""
    path = Path(path)
    name = path.name or str(path)
    try:
        raw = pack_file.read_pack_bytes(path)
    except pack_file.PackFileProblem as exc:
        raise PackImportError(name, exc.problems) from None
    return prepare_pack_bytes(raw, name, str(path))


def prepare_pack_bytes(raw: bytes, name: str, path: str = "") -> PreparedPack:
    """The same checks on a pack's bytes that came another way (sent up by a laptop, or
    fetched from the centre). Raises PackImportError; touches no database."""
    if len(raw) > MAX_PACK_BYTES:
        raise PackImportError(name, [f"the pack is {len(raw) // (1024 * 1024)} MB; a "
                                     f"specification pack is a small JSON text file"])
    try:
        text = pack_file.decode(raw)
        shape = pack_file.shape_problems(text)
        if shape:
            raise pack_file.PackFileProblem(shape)
        data, problems = pack_file.parse(text)
    except pack_file.PackFileProblem as exc:
        raise PackImportError(name, exc.problems) from None
    located = _locator(data, text)
    problems += pack_file.text_problems(data, located)
    if problems:
        raise PackImportError(name, problems)
    invalid = validate_pack(data)
    if invalid:
        raise PackImportError(name, _located(invalid, data, text))
    return PreparedPack(path or name, data, hashlib.sha256(raw).hexdigest(),
                        located(("pack_id",)), raw)


def _locator(data: Any, text: str):
    """path of keys and indexes -> 'line L, column C: name' for messages."""
    from app.catalogue.pack import _fmt_path
    try:
        positions = value_positions(text)
    except Exception:  # never let locating a problem hide the problem itself
        positions = {}

    def locate(path: tuple) -> str:
        line, col = positions.get(path, (1, 1))
        return f"line {line}, column {col}: {_fmt_path(data, path) or '(top level)'}"
    return locate


def clashing_pack(session: Session, prepared: PreparedPack) -> SpecPack | None:
    """The loaded pack, if any, with this one's id and version but other bytes (and not the
    same pack corrected in place): the two cannot both be loaded under one name."""
    label = (prepared.data.get("source") or {}).get("document_version")
    clash = session.scalars(select(SpecPack).where(
        SpecPack.pack_id == prepared.pack_id, SpecPack.sha256 != prepared.sha256,
        (SpecPack.document_version == label) if label is not None
        else SpecPack.document_version.is_(None))).first()
    in_place = prepared.sha256 in CORRECTS or prepared.sha256 in CORRECTS.values()
    if clash is None or in_place or session.scalars(select(SpecPack.id).where(
            SpecPack.sha256 == prepared.sha256)).first():
        return None
    return clash


def import_pack(session: Session, prepared: PreparedPack) -> ImportResult:
    """Run on the writer: the whole pack goes in within the caller's one transaction. A
    changed file that keeps the pack id and version of one already loaded is refused: two
    different packs under one name and version cannot be told apart on paper."""
    label = (prepared.data.get("source") or {}).get("document_version")
    clash = clashing_pack(session, prepared)
    if clash is not None:
        version = f"version '{label}'" if label else "no version label"
        raise PackImportError(Path(prepared.path).name, [
            f"{prepared.pack_id_at}: a different pack with id '{prepared.pack_id}' and "
            f"{version} is already in the "
            f"catalogue (loaded {clash.loaded_at:%d/%m/%Y}); its text differs from this "
            f"file's. Give this pack a new source.document_version to load it beside the "
            f"other"])
    older = session.scalars(
        select(Qualification.title).join(SpecPack, SpecPack.id == Qualification.pack_row_id)
        .where(SpecPack.pack_id == prepared.pack_id, SpecPack.sha256 != prepared.sha256)).all()
    pack_row, new = load_pack_data(session, prepared.data, prepared.sha256)
    if prepared.document:
        keep_document(session, prepared.sha256, prepared.document)
    quals = session.execute(
        select(Qualification.id, Qualification.title).where(Qualification.pack_row_id == pack_row)
        .order_by(Qualification.sort_order)).all()
    return ImportResult(prepared.pack_id, new, [(q, t) for q, t in quals],
                        list(older) if new else [])


def import_pack_file(store, path: str | Path) -> ImportResult:
    """Validate, then import on the writer thread (the CLI and tests; the window uses
    prepare_pack off the GUI thread and Bridge.write for the import)."""
    prepared = prepare_pack(path)
    return store.write_now(import_pack, prepared)
