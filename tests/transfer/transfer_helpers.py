"""Laptops and files for the transfer tests: a data folder whose attachment store holds
generated files (never committed), and an httpx client to a server on loopback."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx

from app.db.store import Store
from app.transfer.laptop_files import attachments_of_store
from app.transfer.upload import ResumeBook


def make_file(folder: Path, size: int, seed: int = 0) -> tuple[Path, str]:
    """A file of `size` pseudo-random bytes, written a MB at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"source-{seed}-{size}.bin"
    digest = hashlib.sha256()
    block = hashlib.sha256(str(seed).encode()).digest() * 32768  # 1 MB
    with open(path, "wb") as fh:
        left, n = size, 0
        while left > 0:
            piece = (n.to_bytes(8, "big") + block)[:min(len(block), left)]
            fh.write(piece)
            digest.update(piece)
            left -= len(piece)
            n += 1
    return path, digest.hexdigest()


class Laptop:
    """One laptop's data folder as the transfer code sees it."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.files = attachments_of_store(Store(self.data_dir))
        self.book = ResumeBook(self.data_dir / "sync" / "uploads")
        self.downloads = self.data_dir / "sync" / "downloads"

    def holds(self, size: int, seed: int = 0) -> str:
        """Put a generated file into this laptop's attachment store; returns its SHA-256."""
        incoming = self.data_dir / "attachments" / ".incoming-test"
        path, sha = make_file(incoming, size, seed)
        self.files.adopt(path, sha)
        return sha

    def read(self, sha: str) -> bytes:
        with self.files.open(sha) as fh:
            return fh.read()


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=httpx.Timeout(10.0))


def stored_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def on_disk(root: Path, sha: str) -> Path:
    return Path(root) / sha[:2] / sha


os.environ.setdefault("NO_PROXY", "127.0.0.1")
