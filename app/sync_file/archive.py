"""The sync file: one archive carried on a USB stick instead of a network connection.

Some employers' sites and some centres never let a laptop online. A sync file carries what a
network sync would: the changes (as the sync protocol's JSON) and the evidence files they
need, named by SHA-256. Its container is a ZIP (stdlib, streamed, ZIP64 for large videos,
stored without compression: photos and videos are compressed already). Format version 3:

    manifest.json   format, direction, device, created, the sync protocol the changes are
                    written in (app/sync/protocol.py), how the entries are sealed (cipher,
                    key derivation, salt) and `index`: the sealed list of every entry's name
                    (changes.json, files/<sha256>), size and plaintext SHA-256
    manifest.sig    the seal over manifest.json's exact bytes (see below)
    sealed/<n>      each entry, encrypted (see `app.sync_file.sealing`: a lost stick shows
                    only the device id, the date and the entries' sizes)

Version 1 (before the stick was encrypted) held changes.json and files/<sha256> in the clear
with the list in the manifest; version 2 is version 3 without the protocol. Both were written
in sync protocol 1, so they are still opened but refused as from a Fieldfolio too old for
this one, exactly as an older laptop or centre is over the network, before anything is
imported ("please update Fieldfolio" / "ask the centre to update its server"). Fieldfolio
before version 3 does not read a version 3 file at all, and says to update.

A laptop seals its file with its Ed25519 device key, which the centre registered at
enrolment: so the centre knows which laptop wrote it and that nobody changed it. The centre
seals a file for one laptop with an HMAC keyed by that laptop's token hash (the centre keeps
only the hash; the laptop can compute it from its token): only that laptop can check it.

Reading refuses, naming what failed, a file cut short (the ZIP's directory is at its end), a
seal that does not match, a key that does not open it (written for another laptop), an entry
whose bytes do not decrypt or do not match the manifest's SHA-256 after decryption, and an
entry the manifest does not list. Writing goes to a temporary name beside the target, is
flushed to disk and then renamed, so a full stick or a cancelled export leaves no
half-written file under the name the user chose.
"""
from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.safekeeping.sealed import HEADER, TAG, SealDamaged
from app.sync.protocol import OLDEST_ACCEPTED, PROTOCOL_VERSION
from app.sync_file import sealing
from app.transfer.durable import fsync_dir

FORMAT = "fieldfolio-sync-file"
VERSION = 3
READABLE = (1, 2, 3)   # 1: written before sync files were encrypted; 1 and 2: protocol 1
PIECE = 1024 * 1024
LAPTOP_TO_CENTRE = "laptop-to-centre"
CENTRE_TO_LAPTOP = "centre-to-laptop"

Progress = Callable[[int, int], None]


class SyncFileRefused(Exception):
    """The file cannot be used; the message says what failed. Nothing was changed."""


class SyncFileFailed(Exception):
    """The file could not be written (full stick, removed stick); nothing is left under the
    chosen name and nothing on the laptop changed."""


class SyncFileCancelled(Exception):
    pass


# -- seals ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceSeal:
    """A laptop's Ed25519 device key: the centre checks it against the registered key."""
    private_key: Ed25519PrivateKey

    name = "ed25519"

    def seal(self, data: bytes) -> str:
        return self.private_key.sign(data).hex()

    def public_hex(self) -> str:
        from app.signing.device_key import raw_public
        return raw_public(self.private_key.public_key()).hex()


@dataclass(frozen=True)
class TokenSeal:
    """The centre's seal for one laptop: HMAC-SHA256 keyed by that laptop's token hash."""
    token_hash: str

    name = "hmac-sha256"

    def seal(self, data: bytes) -> str:
        return hmac.new(bytes.fromhex(self.token_hash), data, hashlib.sha256).hexdigest()

    def public_hex(self) -> str:
        return ""


def check_device_seal(manifest_bytes: bytes, seal_hex: str, public_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(
            bytes.fromhex(seal_hex), manifest_bytes)
        return True
    except (InvalidSignature, ValueError):
        return False


def check_token_seal(manifest_bytes: bytes, seal_hex: str, token_hash: str) -> bool:
    expected = TokenSeal(token_hash).seal(manifest_bytes)
    return hmac.compare_digest(expected, seal_hex.strip())


# -- writing --------------------------------------------------------------------------
@dataclass
class Attachment:
    sha256: str
    size: int


def write_sync_file(target: Path | str, *, direction: str, device_id: str, changes: dict,
                    files: Iterable[Attachment], open_file: Callable[[str], BinaryIO],
                    seal, token_hash: str, progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> dict:
    """Write the sync file at `target` (whole, or not at all), every entry encrypted with a key
    derived from the laptop's device token hash (`token_hash`, hex). `open_file(sha)` gives
    each evidence file's plaintext (the attachment store's streaming API). Returns the
    manifest, with the entries' list in the clear under "entries". Raises SyncFileFailed (full
    or removed stick), SyncFileCancelled, or SyncFileRefused when a file on this laptop no
    longer matches its own hash (it is named; nothing is written)."""
    target = Path(target)
    files = list({f.sha256: f for f in files}.values())
    changes_bytes = json.dumps(changes, ensure_ascii=False, sort_keys=True,
                               separators=(",", ":")).encode("utf-8")
    total = len(changes_bytes) + sum(f.size for f in files)
    progress = progress or (lambda done, total: None)
    cancelled = cancelled or (lambda: False)
    salt = sealing.new_salt()
    key = sealing.entry_key(token_hash, salt, direction, device_id)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    done = 0
    entries = []
    try:
        _check_room(target.parent, _stored_size(total, len(files) + 1))
        with open(tmp, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED,
                                 allowZip64=True) as zf:
                def sealed_entry(member: str, size: int):
                    info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
                    info.file_size = _stored_size(size, 1)
                    return zf.open(info, "w", force_zip64=True)

                member = f"sealed/{len(entries)}"
                with sealed_entry(member, len(changes_bytes)) as out:
                    sealer = sealing.EntrySealer(out, key)
                    sealer.write(changes_bytes)
                    sealer.close()
                entries.append({"name": "changes.json", "entry": member,
                                "size": len(changes_bytes),
                                "sha256": hashlib.sha256(changes_bytes).hexdigest()})
                done += len(changes_bytes)
                progress(done, total)
                for f in files:
                    digest, size = hashlib.sha256(), 0
                    member = f"sealed/{len(entries)}"
                    with open_file(f.sha256) as src, sealed_entry(member, f.size) as out:
                        sealer = sealing.EntrySealer(out, key)
                        for piece in iter(lambda: src.read(PIECE), b""):
                            if cancelled():
                                raise SyncFileCancelled()
                            sealer.write(piece)
                            digest.update(piece)
                            size += len(piece)
                            done += len(piece)
                            progress(done, total)
                        sealer.close()
                    if digest.hexdigest() != f.sha256:
                        raise SyncFileRefused(
                            f"The evidence file {f.sha256[:12]}… on this laptop no longer matches "
                            f"the fingerprint it was saved with, so it cannot be exported. Run "
                            f"'fieldfolio verify' and tell your centre.")
                    entries.append({"name": f"files/{f.sha256}", "entry": member,
                                    "size": size, "sha256": f.sha256})
                manifest = {"format": FORMAT, "version": VERSION, "direction": direction,
                            "protocol": PROTOCOL_VERSION,
                            "device_id": device_id,
                            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            "seal": seal.name, "public_key": seal.public_hex(),
                            "sealed": sealing.sealing_note(salt),
                            "index": sealing.seal_index(entries, key)}
                manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8")
                zf.writestr("manifest.json", manifest_bytes)
                zf.writestr("manifest.sig", seal.seal(manifest_bytes))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
        return {**manifest, "entries": entries}
    except OSError as exc:
        _remove(tmp)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise SyncFileFailed(
                f"There is not enough room on {target.parent} for the sync file (it needs about "
                f"{_mb(total)}). Free some space or use a larger stick; nothing was written "
                f"and nothing on this laptop changed.") from None
        raise SyncFileFailed(f"The sync file could not be written to {target} "
                             f"({exc.strerror or exc}); nothing on this laptop changed.") from None
    except BaseException:
        _remove(tmp)
        raise


def _stored_size(plain: int, entries: int) -> int:
    """Bytes `plain` bytes take once sealed in `entries` entries (header and a tag a chunk)."""
    chunks = -(-plain // sealing.CHUNK) + entries
    return plain + entries * HEADER + chunks * TAG


def _check_room(folder: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed + PIECE:
        raise OSError(errno.ENOSPC, "not enough space")


def _mb(n: int) -> str:
    return f"{max(1, round(n / 1024 / 1024)):,} MB"


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# -- reading --------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One entry as the manifest lists it: its name (changes.json, files/<sha256>), the ZIP
    member holding it (the same name in version 1, sealed/<n> in version 2), its plaintext
    size and SHA-256."""
    name: str
    member: str
    size: int
    sha256: str


@dataclass
class SyncFile:
    """An opened, checked sync file. `changes` is the protocol JSON; `files` the SHA-256s
    it carries; `open_file(sha)` streams one file's plaintext (already verified once)."""
    path: Path
    manifest: dict
    changes: dict
    files: list[str] = field(default_factory=list)
    _zip: zipfile.ZipFile | None = None
    _entries: dict[str, Entry] = field(default_factory=dict)
    _key: bytes | None = None

    @property
    def device_id(self) -> str:
        return self.manifest["device_id"]

    @property
    def direction(self) -> str:
        return self.manifest["direction"]

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    def size_of(self, sha256: str) -> int:
        return self._entries[f"files/{sha256}"].size

    def open_file(self, sha256: str) -> BinaryIO:
        return self._open(self._entries[f"files/{sha256}"])

    def _open(self, entry: Entry) -> BinaryIO:
        if self._key is None:   # version 1: in the clear
            return self._zip.open(entry.member)
        return sealing.open_sealed_entry(self.path, self._zip.getinfo(entry.member), self._key)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "SyncFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_sync_file(path: Path | str, *, direction: str,
                   check_seal: Callable[[dict, bytes, str], bool],
                   token_hash: Callable[[dict], str],
                   progress: Progress | None = None) -> SyncFile:
    """Open, decrypt and check every byte of a sync file before anything is applied.
    `check_seal(manifest, manifest_bytes, seal_hex)` says whether the seal is one this side
    trusts (the centre: the registered key of the manifest's device; a laptop: its token).
    `token_hash(manifest)` gives the token hash (hex) of the laptop the file is from or for,
    whose derived key opens its entries (not asked for a version 1 file).
    Raises SyncFileRefused naming what failed."""
    path = Path(path)
    progress = progress or (lambda done, total: None)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise SyncFileRefused(f"{path} could not be found (is the stick still in?).") from None
    except zipfile.BadZipFile:
        raise SyncFileRefused(
            f"{path.name} is cut short or is not a Fieldfolio sync file: its table of contents "
            f"(at the end of the file) is missing or damaged. Copy it again from the laptop or "
            f"centre that wrote it.") from None
    except OSError as exc:
        raise SyncFileRefused(f"{path.name} cannot be read ({exc.strerror or exc}).") from None
    try:
        return _checked(zf, path, direction, check_seal, token_hash, progress)
    except BaseException:
        zf.close()
        raise


def _checked(zf: zipfile.ZipFile, path: Path, direction: str, check_seal, token_hash,
             progress) -> SyncFile:
    name = path.name
    try:
        manifest_bytes = zf.read("manifest.json")
        seal_hex = zf.read("manifest.sig").decode("ascii", "replace")
        manifest = json.loads(manifest_bytes)
    except KeyError:
        raise SyncFileRefused(f"{name} has no manifest: it is not a Fieldfolio sync file.") from None
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SyncFileRefused(f"{name}: its manifest is damaged ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SyncFileRefused(f"{name} is not a Fieldfolio sync file.")
    if manifest.get("version") not in READABLE:
        raise SyncFileRefused(f"{name} was written by a different version of Fieldfolio "
                              f"(sync file version {manifest.get('version')}); update Fieldfolio.")
    if manifest.get("direction") != direction:
        wanted = "a laptop's export" if direction == LAPTOP_TO_CENTRE else "a file from the centre"
        raise SyncFileRefused(f"{name} is not {wanted} (it is {manifest.get('direction')}).")
    refused = _other_protocol(manifest, name, direction)
    if refused:
        raise SyncFileRefused(refused)
    if not check_seal(manifest, manifest_bytes, seal_hex):
        raise SyncFileRefused(
            f"{name}: its seal does not match (the manifest was changed after it was written, "
            f"or it was not written by the device it names). Nothing was imported.")
    key = None
    if manifest["version"] == 1:
        listed = manifest.get("entries", [])
    else:
        key, listed = _opened_index(manifest, name, token_hash(manifest))
    try:
        entries = {e["name"]: Entry(e["name"], e.get("entry", e["name"]), int(e["size"]),
                                    e["sha256"]) for e in listed}
    except (KeyError, TypeError, ValueError):
        raise SyncFileRefused(f"{name}: its list of entries is damaged.") from None
    sync = SyncFile(path, manifest, {}, [], zf, entries, key)
    members = {e.member for e in entries.values()}
    present = set(zf.namelist()) - {"manifest.json", "manifest.sig"}
    if present - members:
        extra = sorted(present - members)[0]
        raise SyncFileRefused(f"{name} holds {extra}, which its manifest does not list: it was "
                              f"changed after it was written. Nothing was imported.")
    if members - present:
        missing = min(e.name for e in entries.values() if e.member not in present)
        raise SyncFileRefused(f"{name} lacks {missing}, which its manifest lists. Nothing was "
                              f"imported.")
    total, done = sum(e.size for e in entries.values()), 0
    changes_bytes = bytearray()
    for entry in entries.values():
        digest, size = hashlib.sha256(), 0
        try:
            with sync._open(entry) as fh:
                for piece in iter(lambda: fh.read(PIECE), b""):
                    digest.update(piece)
                    size += len(piece)
                    done += len(piece)
                    progress(done, total)
                    if entry.name == "changes.json":
                        changes_bytes += piece
        except SealDamaged:
            raise SyncFileRefused(f"{name}: {entry.name} does not match what was written: it "
                                  f"does not decrypt (altered, damaged or cut short in transit). "
                                  f"Nothing was imported.") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SyncFileRefused(f"{name}: {entry.name} does not match what was written "
                                  f"(altered or damaged in transit: {exc}). Nothing was "
                                  f"imported.") from None
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise SyncFileRefused(f"{name}: {entry.name} does not match its SHA-256 in the "
                                  f"manifest (altered in transit?). Nothing was imported.")
    try:
        sync.changes = json.loads(changes_bytes) if "changes.json" in entries else None
        if not isinstance(sync.changes, dict):
            raise ValueError("no changes")
    except ValueError as exc:
        raise SyncFileRefused(f"{name}: its changes cannot be read ({exc}).") from None
    sync.files = [n.split("/", 1)[1] for n in entries if n.startswith("files/")]
    return sync


def _other_protocol(manifest: dict, name: str, direction: str) -> str | None:
    """Why a file written in another sync protocol than this side speaks is refused, said to
    whoever reads it (the centre's admin, or the assessor), or None. Files before version 3
    carry no protocol: they were all written in protocol 1."""
    try:
        protocol = int(manifest.get("protocol", 1)) if manifest["version"] >= 3 else 1
    except (TypeError, ValueError):
        protocol = 0
    if OLDEST_ACCEPTED <= protocol <= PROTOCOL_VERSION:
        return None
    older = protocol < OLDEST_ACCEPTED
    if direction == LAPTOP_TO_CENTRE:       # read at the centre
        if older:
            return (f"{name} was written by a version of Fieldfolio too old for the centre's "
                    f"server: please update Fieldfolio on that laptop, then export a new sync "
                    f"file from it. Nothing was imported; nothing on the laptop has been lost.")
        return (f"{name} was written by a newer Fieldfolio than the centre's server: update "
                f"the centre's server, then import it again. Nothing was imported; nothing on "
                f"the laptop has been lost.")
    if older:
        return (f"{name} was written by a centre's server older than this Fieldfolio: ask the "
                f"centre to update its server, then bring a new sync file. Nothing was "
                f"imported; nothing on this laptop has been lost.")
    return (f"{name} was written by a centre's server newer than this Fieldfolio: please "
            f"update Fieldfolio, then import it again. Nothing was imported; nothing on this "
            f"laptop has been lost.")


def _opened_index(manifest: dict, name: str, token_hash: str) -> tuple[bytes, list]:
    """The key for a version 2 file's entries and their list, or refused: a key that does not
    open the list means the file was written for (or by) another laptop."""
    note = manifest.get("sealed") or {}
    if note.get("cipher") != sealing.CIPHER or note.get("kdf") != sealing.KDF:
        raise SyncFileRefused(f"{name} is sealed in a way this version of Fieldfolio does not "
                              f"know ({note.get('cipher')}); update Fieldfolio.")
    try:
        key = sealing.entry_key(token_hash, bytes.fromhex(note.get("salt", "")),
                                manifest["direction"], str(manifest.get("device_id")))
        return key, sealing.open_index(manifest.get("index", ""), key)
    except (SealDamaged, ValueError, TypeError):
        raise SyncFileRefused(
            f"{name} cannot be decrypted with the key of laptop {manifest.get('device_id')}: "
            f"it was encrypted for another laptop (or before this laptop was enrolled again). "
            f"Nothing was imported.") from None
