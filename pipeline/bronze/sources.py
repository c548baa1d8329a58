"""Read a source (local path or http(s) URL) into bytes, or fail with one clear line.

Limits, because a source is outside input:
- size: PIPELINE_SOURCE_MAX_BYTES (default 8 MiB). The whole NY Powerball export since 2010 is
  69 KB; a daily 5+1 game over a century would be ~2.5 MB. Anything bigger is not a lottery
  export, and refusing it bounds ingest's memory (about 5x the source at most).
- time: PIPELINE_HTTP_TIMEOUT_S is a deadline for a whole attempt (connect, headers, body). A
  socket timeout alone restarts at every byte, so a server trickling a byte every 2 s held a
  3 s timeout for a minute; a watchdog shuts the attempt's sockets down at the deadline.
- credentials: a URL with `user:password@` is refused without echoing it. A password in a
  source URL would be copied into logs, ops.runs and task logs; fetch public exports only.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from pipeline.bronze.formats import check_utf8
from pipeline.errors import SourceError
from pipeline.settings import settings

log = logging.getLogger(__name__)
READ_STEP = 64 * 1024


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


class _Deadline:
    """Shuts down every socket an attempt opened once its whole-transfer deadline passes."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock) -> None:
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # a blocked recv returns at once
        except OSError:
            pass

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


def _opener(deadline: _Deadline):
    """urllib's opener (redirects, proxies, TLS) whose connections hand their TCP sockets to
    the deadline as soon as they exist (so a trickled TLS handshake is covered too)."""

    def create_connection(*args, **kwargs):
        sock = socket.create_connection(*args, **kwargs)
        deadline.watch(sock)
        return sock

    class HTTPConnection(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = create_connection

    class HTTPSConnection(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = create_connection

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(HTTPConnection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(HTTPSConnection, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler, HTTPSHandler)


def _read_capped(resp, url: str, limit: int) -> bytes:
    parts, size = [], 0
    while chunk := resp.read1(READ_STEP):
        size += len(chunk)
        if size > limit:
            raise SourceError(f"source {url} is larger than {limit} bytes "
                              "(PIPELINE_SOURCE_MAX_BYTES)")
        parts.append(chunk)
    return b"".join(parts)


def _attempt(url: str, timeout: float, limit: int) -> bytes:
    with _Deadline(timeout) as deadline:
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "drawpipe/0.1"})
            with _opener(deadline).open(req, timeout=timeout) as resp:
                body = _read_capped(resp, url, limit)
                length = resp.headers.get("Content-Length")
        except (OSError, http.client.HTTPException) as exc:
            if deadline.expired and not isinstance(exc, urllib.error.HTTPError):
                raise TimeoutError(f"did not finish within {timeout:g} s "
                                   "(PIPELINE_HTTP_TIMEOUT_S)") from None
            raise
        if deadline.expired:
            raise TimeoutError(f"did not finish within {timeout:g} s (PIPELINE_HTTP_TIMEOUT_S)")
    if length and length.isdigit() and int(length) != len(body):  # cut short: not the export
        raise ConnectionError(f"got {len(body)} of {length} bytes")
    return body


def _fetch_url(url: str, attempts: int, timeout: float, backoff: float, limit: int) -> bytes:
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            return _attempt(url, timeout, limit)
        except urllib.error.HTTPError as exc:
            last = exc
            if exc.code < 500 and exc.code != 429:
                raise SourceError(f"source {url} answered HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError,
                http.client.HTTPException) as exc:
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


def _shown(source: str, limit: int = 200) -> str:
    """The source as shown in an error: hostile or huge values stay one readable line."""
    text = source if len(source) <= limit else f"{source[:limit]}... ({len(source)} chars)"
    return text.encode("unicode_escape").decode("ascii")


def _refuse_credentials(url: str) -> None:
    """A URL with user:password@ never gets fetched, nor shown with its userinfo."""
    scheme, rest = url.split("://", 1)
    netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in netloc:
        host = netloc.rsplit("@", 1)[1]
        raise SourceError(f"source URL {_shown(f'{scheme}://<credentials removed>@{host}')} "
                          "carries credentials (user:password@); they are refused: fetch a "
                          "public export, or download it and pass the file")


def _read_file(source: str, limit: int) -> bytes:
    path = Path(source)
    try:
        if not path.is_file():
            raise SourceError(f"source file not found: {_shown(source)}")
        with path.open("rb") as fh:  # read at most limit + 1: a file may grow meanwhile
            body = fh.read(limit + 1)
    except OSError as exc:  # a name too long, a permission, a device that cannot be read
        raise SourceError(f"source file {_shown(source)} cannot be read: "
                          f"{exc.strerror or exc}") from None
    if len(body) > limit:
        raise SourceError(f"source {_shown(source)} is larger than {limit} bytes "
                          "(PIPELINE_SOURCE_MAX_BYTES); a lottery export is far smaller")
    return body


def max_bytes() -> int:
    return settings().source_max_bytes


def read_source(source: str, *, attempts: int | None = None, timeout: float | None = None,
                backoff: float | None = None) -> bytes:
    """The source's bytes, checked to be non-empty UTF-8 no larger than the cap.

    Raises SourceError for anything that cannot be read. HTTP retries/backoff/deadline default
    from PIPELINE_HTTP_ATTEMPTS, PIPELINE_HTTP_BACKOFF_S and PIPELINE_HTTP_TIMEOUT_S.
    """
    if not source or "\x00" in source:
        raise SourceError("source is empty or contains a NUL byte")
    limit = max_bytes()
    if is_url(source):
        _refuse_credentials(source)
        config = settings()
        attempts = attempts or config.http_attempts
        timeout = timeout or config.http_timeout_s
        backoff = backoff if backoff is not None else config.http_backoff_s
        body = _fetch_url(source, attempts, timeout, backoff, limit)
    elif "://" in source:
        raise SourceError(f"source {_shown(source)}: only local paths and http(s) URLs are"
                          " supported")
    else:
        body = _read_file(source, limit)
    if not body.strip():
        raise SourceError(f"source {_shown(source)} is empty")
    check_utf8(body, f"source {_shown(source)}")
    return body
