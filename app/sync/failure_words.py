"""Why a sync failed, in words: the whole reason for the details (once), and a few words for
the status bar, which has room for one short line at 1280 pixels.

httpx's own text ("Server disconnected without sending a response.") means nothing to an
assessor and was shown raw in brackets; here each kind of lost connection gets plain words.
"""
from __future__ import annotations

import httpx

# The bar's reason is cut at a word to fit about this many characters.
BRIEF_CHARACTERS = 48


def no_answer(exc: Exception) -> str:
    """What happened to the connection, for "The centre at URL did not answer: …"."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "nothing answered in time at that address (is this laptop online?)"
    if isinstance(exc, httpx.ConnectError):
        return ("nothing answered at that address: the centre's server may be switched off, "
                "or this laptop offline")
    if isinstance(exc, httpx.TimeoutException):
        return "it took too long to reply"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "the connection was closed before it replied"
    return "the connection failed"


def unreachable(url: str, exc: Exception) -> str:
    return (f"The centre at {url} did not answer: {no_answer(exc)}. Your work is safe on "
            f"this laptop; sync again later.")


# Known reasons, by words in the full message, and what the bar says for each.
_BRIEF = (
    ("did not answer", "the centre did not answer"),
    ("please update Fieldfolio", "please update Fieldfolio"),
    ("ask the centre to update its server", "the centre's server needs updating"),
    ("cancelled", "cancelled"),
)


def in_brief(message: str) -> str:
    """A few words for the status bar; the full message goes in its details."""
    for words, brief in _BRIEF:
        if words in message:
            return brief
    first = message.split(". ")[0].split(": ")[0].rstrip(".").strip()
    if len(first) <= BRIEF_CHARACTERS:
        return first[:1].lower() + first[1:] if first[1:2].islower() else first
    cut = first[:BRIEF_CHARACTERS].rsplit(" ", 1)[0]
    return (cut[:1].lower() + cut[1:] if cut[1:2].islower() else cut) + "…"
