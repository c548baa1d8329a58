"""Read a source (local path or http(s) URL) into text, or fail with one clear line."""

from __future__ import annotations

import http.client
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipeline.errors import SourceError

log = logging.getLogger(__name__)
MAX_BYTES = 512 * 1024 * 1024
HTTP_TIMEOUT_S = 30
HTTP_ATTEMPTS = 4
BACKOFF_S = 0.5


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _fetch_url(url: str, attempts: int, timeout: float, backoff: float) -> bytes:
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "drawpipe/0.1"})
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked
                body = resp.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise SourceError(f"source {url} is larger than {MAX_BYTES} bytes")
            return body
        except urllib.error.HTTPError as exc:
            last = exc
            if exc.code < 500 and exc.code != 429:
                raise SourceError(f"source {url} answered HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            last = exc
        except (ValueError, http.client.InvalidURL) as exc:  # spaces, control chars, bad port
            raise SourceError(f"source URL {_shown(url)} is not a valid URL: "
                              f"{_shown(str(exc))}") from None
        if attempt < attempts:
            delay = backoff * 2 ** (attempt - 1)
            log.warning("fetching %s failed (%s); retry %d in %.1fs", url, last, attempt, delay)
            time.sleep(delay)
    if isinstance(last, urllib.error.HTTPError):
        raise SourceError(f"source {url} answered HTTP {last.code} after {attempts} attempts")
    reason = getattr(last, "reason", last)
    raise SourceError(f"source {url} is unreachable after {attempts} attempts: {reason}")


def _setting(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise SourceError(f"{name}={value!r} is not a number") from exc


def _shown(source: str, limit: int = 200) -> str:
    """The source as shown in an error: hostile or huge values stay one readable line."""
    text = source if len(source) <= limit else f"{source[:limit]}... ({len(source)} chars)"
    return text.encode("unicode_escape").decode("ascii")


def _read_file(source: str) -> bytes:
    path = Path(source)
    try:
        if not path.is_file():
            raise SourceError(f"source file not found: {_shown(source)}")
        if path.stat().st_size > MAX_BYTES:
            raise SourceError(f"source {_shown(source)} is larger than {MAX_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:  # a name too long, a permission, a device that cannot be read
        raise SourceError(f"source file {_shown(source)} cannot be read: "
                          f"{exc.strerror or exc}") from None


def read_source(source: str, *, attempts: int | None = None, timeout: float | None = None,
                backoff: float | None = None) -> tuple[str, bytes]:
    """Return (text, raw bytes). Raises SourceError for anything that cannot be read.

    HTTP retries/backoff/timeout default from PIPELINE_HTTP_ATTEMPTS, PIPELINE_HTTP_BACKOFF_S
    and PIPELINE_HTTP_TIMEOUT_S.
    """
    attempts = attempts or int(_setting("PIPELINE_HTTP_ATTEMPTS", HTTP_ATTEMPTS))
    timeout = timeout or _setting("PIPELINE_HTTP_TIMEOUT_S", HTTP_TIMEOUT_S)
    backoff = backoff if backoff is not None else _setting("PIPELINE_HTTP_BACKOFF_S", BACKOFF_S)
    if not source or "\x00" in source:
        raise SourceError("source is empty or contains a NUL byte")
    if is_url(source):
        body = _fetch_url(source, attempts, timeout, backoff)
    elif "://" in source:
        raise SourceError(f"source {_shown(source)}: only local paths and http(s) URLs are"
                          " supported")
    else:
        body = _read_file(source)
    if not body.strip():
        raise SourceError(f"source {source} is empty")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"source {source} is not UTF-8 text (byte {exc.start})") from exc
    return text, body
