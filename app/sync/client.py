"""The laptop's HTTP client for the centre: httpx with explicit timeouts, the protocol
header on every request, and the centre's refusals turned into one exception whose
message is meant for the user (app/sync/protocol.py lists them)."""
from __future__ import annotations

import functools
import ssl

import certifi
import httpx

from app.sync.failure_words import unreachable
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION

# Connecting is quick or the centre is not there; a large page may take a while to build.
TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=60.0, pool=5.0)


@functools.lru_cache(maxsize=1)
def _certificates() -> ssl.SSLContext:
    """One TLS context for every sync: httpx builds a new one per client by reading the
    whole certificate bundle, 60 ms, most of a sync that has nothing to do. (Shared read-
    only across threads, which ssl allows.)"""
    return ssl.create_default_context(cafile=certifi.where())


class CentreRefused(Exception):
    def __init__(self, status: int, error: str, message: str, body: dict | None = None):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.body = body or {}   # what else the centre said (e.g. last_seq with sequence_gap)


class CentreUnreachable(Exception):
    """No answer: the laptop is offline, the address is wrong or the centre is down."""


class CentreClient:
    def __init__(self, url: str, token: str | None = None, timeout: httpx.Timeout = TIMEOUT,
                 transport: httpx.BaseTransport | None = None):
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.url = url.rstrip("/")
        self.centre_settings: dict | None = None   # as the centre last sent them
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout,
                                  transport=transport, verify=_certificates())

    def __enter__(self) -> "CentreClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def http(self) -> httpx.Client:
        """The httpx client itself (base URL, token, protocol header) for evidence file
        transfers, which stream and resume rather than post JSON (app/transfer/)."""
        return self._http

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs) -> dict:
        body = self._answer(method, path, **kwargs).json()
        if isinstance(body, dict) and "centre_settings" in body:
            self.centre_settings = body["centre_settings"]  # app/sync/centre_settings.py
        return body

    def _answer(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self._http.request(method, f"{API}{path}", **kwargs)
        except httpx.TransportError as exc:
            raise CentreUnreachable(unreachable(self.url, exc)) from None
        if response.status_code >= 400:
            try:
                body = response.json()
                error, message = body.get("error", ""), body.get("message", "")
            except ValueError:
                body, error, message = {}, "", response.text[:200]
            raise CentreRefused(response.status_code, error or f"http_{response.status_code}",
                                message or f"The centre answered {response.status_code}.",
                                body if isinstance(body, dict) else {})
        return response

    def health(self) -> dict:
        return self._call("GET", "/health")

    def enrol(self, code: str, device_id: str, device_name: str, public_key: str) -> dict:
        return self._call("POST", "/enrol", json={"code": code, "device_id": device_id,
                                                  "device_name": device_name,
                                                  "public_key": public_key})

    def push(self, mutations: list[dict], chain_head: dict | None = None) -> dict:
        return self._call("POST", "/push", json={"mutations": mutations, "chain_head": chain_head})

    def pull(self, cursors: dict[str, int], own: bool = False,
             chain_head: dict | None = None) -> dict:
        return self._call("POST", "/pull", json={"cursors": cursors, "own": own,
                                                 "chain_head": chain_head})

    def changed_since(self, watch: str, chain_head: dict | None = None) -> dict:
        """Whether the centre has anything for this laptop since the pull that gave `watch`
        ({"changed": bool, "chain": the centre's report on this laptop's newest signature})."""
        params = {"since": watch}
        if chain_head is not None:
            params["chain_sequence"] = int(chain_head.get("sequence") or 0)
        return self._call("GET", "/changes", params=params)

    def packs_lacking(self, shas: list[str]) -> list[str]:
        """Which of these qualification packs (by SHA-256) the centre's catalogue lacks."""
        return list(self._call("POST", "/packs/lacking", json={"packs": shas})["lacking"])

    def send_pack(self, sha256: str, document: bytes) -> dict:
        return self._call("PUT", f"/packs/{sha256}", content=document,
                          headers={"Content-Type": "application/json"})

    def fetch_pack(self, sha256: str) -> bytes:
        return self._answer("GET", f"/packs/{sha256}").content

    def check(self) -> dict:
        return self._call("GET", "/check")

    def wipe(self, last_seq: int, files: list[str]) -> dict:
        """A revoked laptop asks whether the centre holds everything (server/revocation.py)."""
        return self._call("POST", "/wipe", json={"last_seq": last_seq, "files": files})
