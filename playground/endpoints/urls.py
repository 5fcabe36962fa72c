"""Normalization and validation of a baseURL typed by a person or read from config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from playground.errors import InvalidBaseURL

_SUFFIXES = ("/chat/completions", "/completions", "/models")
_VERSION_SEGMENT = re.compile(r"/v\d+[a-z0-9]*(/|$)", re.IGNORECASE)


def without_secrets(raw: str) -> str:
    """A typed URL without the parts that may carry a key: ``user:password@``, query, fragment.

    What is kept of a Custom baseURL (saved, exported, restored) goes through
    this; the field itself still shows what the person typed, with its message.
    """
    text = raw.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if "@" in text and "@" not in parts.netloc:  # no scheme: "user:key@host/v1"
        return without_secrets(text.rsplit("@", 1)[-1])
    if netloc == parts.netloc and not parts.query and not parts.fragment and "?" not in text:
        return raw
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class BaseURL:
    """A usable baseURL, and a hint for the person when it looks unusual."""

    url: str
    hint: str | None = None


def normalize_base_url(raw: str) -> BaseURL:
    """Return a cleaned baseURL, or raise ``InvalidBaseURL`` with a clear message.

    Trailing slashes and a pasted ``/chat/completions`` (or ``/models``) suffix are
    removed. A URL without a version segment such as ``/v1`` gets a hint.
    """
    text = raw.strip()
    if not text:
        raise InvalidBaseURL("baseURL is required, for example http://localhost:8000/v1.")
    if any(ch.isspace() for ch in text):
        raise InvalidBaseURL("baseURL must not contain spaces.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidBaseURL("baseURL contains control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidBaseURL(
            "baseURL is not a valid URL (check the port: it must be a number from 1 to 65535)."
        ) from None
    if "://" not in text and parts.scheme.lower() not in ("javascript", "data", "file"):
        raise InvalidBaseURL(
            "baseURL must start with http:// or https://, for example http://localhost:8000/v1."
        )
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidBaseURL(
            f"baseURL must start with http:// or https:// ('{parts.scheme[:20]}:' "
            "URLs are not allowed)."
        )
    if not parts.hostname:
        raise InvalidBaseURL("baseURL has no host, for example http://localhost:8000/v1.")
    if parts.username is not None or parts.password is not None:
        raise InvalidBaseURL(
            "baseURL must not contain a user name or password; put the key in Token."
        )
    if port == 0:
        raise InvalidBaseURL("baseURL has port 0; use a port from 1 to 65535.")
    if parts.query or parts.fragment:
        raise InvalidBaseURL("baseURL must not contain a query (?) or fragment (#).")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise InvalidBaseURL("baseURL's host name is not a valid domain name.") from None

    path = parts.path.rstrip("/")
    lowered = path.lower()
    for suffix in _SUFFIXES:
        if lowered.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    url = urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
    hint = None
    if not _VERSION_SEGMENT.search(path + "/"):
        hint = (
            "This baseURL has no version segment such as /v1; most servers "
            f"expect one (for example {url}/v1)."
        )
    return BaseURL(url=url, hint=hint)
