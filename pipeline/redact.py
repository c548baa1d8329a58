"""One redaction helper for every text that may carry a connection string or a libpq error.

Used for the CLI's error lines, every log record, ops.runs rows and (through the steps'
stderr) Airflow task logs. Two layers, because neither is enough alone:

- patterns: `scheme://user:password@` and conninfo `password=...` lose their password;
- known secrets: libpq echoes a token it cannot parse *without* its URL around it (a `%zz`
  in a password: `invalid percent-encoded token: "se%zzcret"`), so the passwords of the URLs
  this process was given are found leniently (no libpq parse, which is what fails) and
  replaced wherever they appear, raw or percent-decoded.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from pipeline.settings import secret_urls

MASK = "****"
_MIN_SECRET = 3  # shorter "passwords" would blank out ordinary words of a message

# A URL's user:password@ lies inside one token (URLs hold no whitespace or quotes). Each token
# is parsed in linear time rather than by one backtracking pattern over the whole text:
# redaction runs on hostile text (a 1 MB --source value), where `scheme*://...@` backtracking
# took minutes. The scheme is bounded (RFC 3986 schemes are short).
_TOKEN = re.compile(r"[^\s'\"]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}://")
_CONNINFO_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s{0,16}=\s{0,16})(?P<secret>'(?:\\.|[^']){0,4096}'|\S+)",
    re.IGNORECASE)
_extra_secrets: set[str] = set()


def _url_secret_span(token: str) -> tuple[int, int] | None:
    """Where the password of `scheme://user:password@host` sits in `token`: it runs from the
    first ':' after the user to the last '@' (a host holds no '@')."""
    at = token.rfind("@")
    if at < 0 or "://" not in token:
        return None
    m = _SCHEME.search(token, 0, at)
    if not m:
        return None
    user, colon, _ = token[m.end():at].partition(":")
    if not colon or "/" in user or "@" in user:
        return None
    return m.end() + len(user) + 1, at


def _mask_urls(text: str) -> str:
    def mask(m: re.Match) -> str:
        token = m.group()
        span = _url_secret_span(token)
        return token if span is None else token[:span[0]] + MASK + token[span[1]:]

    return _TOKEN.sub(mask, text)


def password_of(url: str) -> str | None:
    """The password of a libpq URL or conninfo string, found without parsing it with libpq."""
    for m in _TOKEN.finditer(url):
        span = _url_secret_span(m.group())
        if span and span[1] > span[0]:
            return m.group()[span[0]:span[1]]
    m = _CONNINFO_PASSWORD.search(url)
    if m:
        return m.group("secret").strip("'")
    return None


def register_url(url: str | None) -> None:
    """Remember the password of a URL this process was handed (e.g. restore's --target-url)."""
    if url and (secret := password_of(url)):
        _extra_secrets.add(secret)


def _secrets() -> list[str]:
    found = set(_extra_secrets)
    for url in secret_urls():  # PIPELINE_DATABASE_URL, unchecked: redaction never raises
        if secret := password_of(url):
            found.add(secret)
    variants = set()
    for secret in found:
        variants |= {secret, unquote(secret), secret.strip("'")}
    # Longest first, so a secret containing another is replaced whole.
    return sorted((s for s in variants if len(s) >= _MIN_SECRET), key=len, reverse=True)


def redact(text) -> str:
    """`text` with every password of a URL or conninfo, and every known secret, masked."""
    text = str(text)
    text = _mask_urls(text)
    text = _CONNINFO_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", text)
    for secret in _secrets():
        text = text.replace(secret, MASK)
    return text


def _redacting_factory(previous):
    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: let the handler report it
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatted once here, so handlers print the redacted text instead of their own.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    factory.drawpipe_redacting = True
    return factory


def install_log_redaction() -> None:
    """Redact every log record of this process, whatever handlers are configured later."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "drawpipe_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))
