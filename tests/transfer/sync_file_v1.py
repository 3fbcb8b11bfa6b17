"""A sync file exactly as Fieldfolio wrote it before sync files were encrypted (format
version 1): changes.json and files/<sha256> in the clear, their list in the sealed manifest.
Built here, byte for byte as the old writer did, because the app no longer writes one: a
centre may still be handed one made before the upgrade."""
from __future__ import annotations

import hashlib
import json
import zipfile

from app.sync_file import archive


def write_version_1(path, *, direction: str, device_id: str, changes: dict,
                    files: dict[str, bytes], seal) -> None:
    changes_bytes = json.dumps(changes, ensure_ascii=False, sort_keys=True,
                               separators=(",", ":")).encode("utf-8")
    entries = [{"name": "changes.json", "size": len(changes_bytes),
                "sha256": hashlib.sha256(changes_bytes).hexdigest()}]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr("changes.json", changes_bytes)
        for sha, content in files.items():
            info = zipfile.ZipInfo(f"files/{sha}", date_time=(2020, 1, 1, 0, 0, 0))
            zf.writestr(info, content)
            entries.append({"name": f"files/{sha}", "size": len(content), "sha256": sha})
        manifest = {"format": archive.FORMAT, "version": 1, "direction": direction,
                    "device_id": device_id, "created_at": "2026-11-30T09:00:00+00:00",
                    "seal": seal.name, "public_key": seal.public_hex(), "entries": entries}
        manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8")
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("manifest.sig", seal.seal(manifest_bytes))
