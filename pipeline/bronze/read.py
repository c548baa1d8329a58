"""Read a source: fetch its bytes, detect its layout, split its rows.

Fetch: a local path or an http(s) URL, read into bytes or failed with one clear line. Limits,
because a source is outside input:
- size: PIPELINE_SOURCE_MAX_BYTES (default 8 MiB). The whole NY Powerball export since 2010 is
  69 KB; a daily 5+1 game over a century would be ~2.5 MB. Anything bigger is not a lottery
  export, and refusing it bounds ingest's memory (about 5x the source at most).
- time: PIPELINE_HTTP_TIMEOUT_S is a deadline for a whole attempt (connect, headers, body). A
  socket timeout alone restarts at every byte, so a server trickling a byte every 2 s held a
  3 s timeout for a minute; a watchdog shuts the attempt's sockets down at the deadline.
- credentials: a URL with `user:password@` is refused without echoing it. A password in a
  source URL would be copied into logs, ops.runs and task logs; fetch public exports only.

Layout: recognised from the header. Known layouts: the NY open-data export (winning numbers as
one string, the special ball either last in that string or in its own column) and a normalized
CSV. Unknown extra columns are ignored.

Split: rows into named raw fields. Only ASCII counts as layout: fields lose ASCII blanks at
their ends and numbers are separated by ASCII spaces. A NO-BREAK or EM SPACE stays in the
value, so the validator names it instead of str.strip()/str.split() quietly treating it as a
separator.
"""

from __future__ import annotations

import codecs
import csv
import http.client
import io
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.games import Game
from pipeline.settings import settings

log = logging.getLogger(__name__)
READ_STEP = 64 * 1024
UTF8_STEP = 1 << 20  # bytes decoded at a time when checking a source is UTF-8
ASCII_BLANKS = " \t\r\n"
WHITE_COLS = tuple(f"white_{i}" for i in range(1, 6))


# --- Fetch: the source's bytes, checked (size, deadline, credentials, UTF-8) ---

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


def check_utf8(body: bytes, shown: str = "source") -> None:
    """SourceError naming the first byte that is not UTF-8; decodes 1 MB at a time, keeps none."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(body), UTF8_STEP) or [0]:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(body[offset:offset + UTF8_STEP], final=offset + UTF8_STEP >= len(body))
        except UnicodeDecodeError as exc:
            raise SourceError(f"{shown} is not UTF-8 text (byte {offset - pending + exc.start})"
                              ) from None


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


# --- Layout: which columns hold what, from the header ---

_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _.-]{0,39}")


def _shown_header(header: list[str]) -> str:
    """The header's column names for an error message, without echoing a file's content.

    A wrong --source can point at any readable file (a credentials file, /etc/passwd): its
    first line must not reach the task log. Only names that look like column names are shown.
    """
    names = [h.strip() if _COLUMN_NAME.fullmatch(h.strip()) else "<not a column name>"
             for h in header[:8]]
    more = f" and {len(header) - 8} more" if len(header) > 8 else ""
    return "[" + ", ".join(repr(n) for n in names) + "]" + more


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class RawRow:
    line_no: int  # 1-based line in the source, header is line 1
    raw: str  # the source's own text for the row, kept for quarantine
    date_text: str
    whites: list[str]
    special: str
    multiplier: str
    problem: str | None = None  # a structural problem found while splitting


@dataclass(frozen=True)
class Layout:
    name: str
    date_col: int
    numbers_col: int | None  # NY: the winning numbers string
    white_cols: tuple[int, ...]
    special_col: int | None
    multiplier_col: int | None
    width: int


def detect_layout(header: list[str], game: Game) -> Layout:
    cols = [_norm(h) for h in header]
    shown = _shown_header(header)
    index = {c: i for i, c in enumerate(cols)}
    special_names = [_norm(game.special_name), "special_ball"]
    special_col = next((index[n] for n in special_names if n in index), None)
    mult = index.get("multiplier")
    if "draw_date" not in index:
        raise SourceError(f"unknown source header {shown}: no 'Draw Date' / 'draw_date' column")
    if "winning_numbers" in index:
        if mult is None:
            # Every NY export has the column (empty where none was drawn). Without it each
            # draw would load with a null multiplier and silently revise the stored one.
            raise SourceError(f"unknown source header {shown}: missing column 'Multiplier'")
        return Layout("ny_open_data", index["draw_date"], index["winning_numbers"], (),
                      special_col, mult, len(cols))
    missing = [c for c in WHITE_COLS if c not in index]
    if missing or special_col is None:
        need = missing + ([] if special_col is not None else [" or ".join(special_names)])
        raise SourceError(f"unknown source header {shown}: missing column(s) {need}")
    return Layout("normalized", index["draw_date"], None, tuple(index[c] for c in WHITE_COLS),
                  special_col, mult, len(cols))


# --- Split: each row into its raw fields ---

def row_text(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    return buf.getvalue()


def _get(fields: list[str], col: int | None) -> str:
    if col is None or col >= len(fields):
        return ""
    return fields[col].strip(ASCII_BLANKS)


def to_raw(line: int, fields: list[str], layout: Layout) -> RawRow:
    raw = row_text(fields)
    date_text = _get(fields, layout.date_col)
    problem = None
    if len(fields) < layout.width:
        problem = f"missing_fields: {len(fields)} fields, header has {layout.width}"
    if layout.numbers_col is not None:
        numbers = [n for n in _get(fields, layout.numbers_col).split(" ") if n]
        if layout.special_col is not None:
            whites, special = numbers, _get(fields, layout.special_col)
        else:
            whites, special = numbers[:-1], (numbers[-1] if numbers else "")
    else:
        whites = [_get(fields, c) for c in layout.white_cols]
        special = _get(fields, layout.special_col)
    return RawRow(line, raw, date_text, whites, special, _get(fields, layout.multiplier_col),
                  problem)


def _lines(source: str | bytes):
    """A line iterator for csv: bytes are decoded as they are read, never held twice.

    (io.StringIO over a whole text would hold it again as 4 bytes a character.)
    """
    if isinstance(source, str):
        return io.StringIO(source, newline="")
    check_utf8(source)
    return io.TextIOWrapper(io.BytesIO(source), encoding="utf-8-sig", newline="")


def _nul_column(fields: list[str]) -> int | None:
    for i, field in enumerate(fields):
        if "\x00" in field:
            return i + 1
    return None


def split_fields(text: str | bytes, game: Game
                 ) -> tuple[Layout, Iterator[tuple[int, list[str]] | RawRow]]:
    """The layout and, per non-blank data row, (line, fields); a RawRow for a row that is not
    CSV (including a NUL byte, which PostgreSQL text cannot hold: shown as \\x00 in `raw`)."""
    reader = csv.reader(_lines(text))
    may_hold_nul = ("\x00" if isinstance(text, str) else b"\x00") in text  # one memchr, not per row
    try:
        header = next(reader)
    except StopIteration as exc:
        raise SourceError("source has no header line") from exc
    except csv.Error as exc:
        raise SourceError(f"source header is not CSV: {exc}") from exc
    layout = detect_layout(header, game)

    def records() -> Iterator[tuple[int, list[str]] | RawRow]:
        # A for loop over the reader (re-entered after a row that is not CSV), not next() in a
        # try per row: this loop runs once per source row.
        while True:
            try:
                for fields in reader:
                    # nothing but ASCII blanks: a blank line, nothing to keep (a first field
                    # with any other character settles it without joining the row)
                    if not fields or (not fields[0].strip(ASCII_BLANKS)
                                      and not "".join(fields).strip(ASCII_BLANKS)):
                        continue
                    if may_hold_nul and (column := _nul_column(fields)) is not None:
                        raw = row_text(fields).replace("\x00", "\\x00")
                        yield RawRow(reader.line_num, raw, "", [], "", "",
                                     f"bad_csv: NUL byte at column {column}")
                        continue
                    yield reader.line_num, fields
                return
            except csv.Error as exc:
                line = reader.line_num
                yield RawRow(line, f"<unparseable CSV: {exc}>", "", [], "", "", f"bad_csv: {exc}")

    return layout, records()


def split_rows(text: str, game: Game) -> tuple[Layout, Iterator[RawRow]]:
    layout, records = split_fields(text, game)

    def rows() -> Iterator[RawRow]:
        for record in records:
            yield record if isinstance(record, RawRow) else to_raw(*record, layout)

    return layout, rows()
