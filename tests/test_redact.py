"""Redaction runs on hostile text (any CLI value can reach an error line), so its cost must grow
linearly with the text: a backtracking pattern once took minutes on a 1 MB `--source` value."""

import signal

import pytest

from pipeline.redact import password_of, redact

pytestmark = pytest.mark.unit

PATHOLOGICAL = {
    "one long word": "x" * 1_000_000,
    "schemes without a host": "a://u:" * 200_000,
    "schemes, one @ at the end": "a://u:" * 200_000 + "@h",
    "a scheme after a long run": "a" * 300_000 + "://u:p",
    "unclosed conninfo quotes": "password=' x " * 80_000,
    "alternating @ and :": "@:" * 500_000,
}


@pytest.fixture
def deadline():
    """A hang guard, not a speed test: quadratic backtracking on these inputs takes minutes."""
    def expire(*_):
        raise TimeoutError("redact did not finish within 30 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_redact_finishes_on_a_megabyte_of_hostile_text(name, deadline):
    text = PATHOLOGICAL[name]
    masked = redact(text)
    assert len(masked) <= len(text)
    assert masked.count("****") <= text.count("@") + text.lower().count("password")


@pytest.mark.parametrize(("url", "secret"), [
    ("postgresql://bob:s3cr3t@db:5432/x", "s3cr3t"),
    ("postgresql://bob:p@ss@word@db/x", "p@ss@word"),  # the password runs to the last '@'
    ("host=db password='two words' dbname=x", "two words"),
    ("postgresql://bob@db/x", None),
    ("http://host/path?a=b:c@d", None),  # a '/' before the ':' is a path, not a user
])
def test_password_of_finds_what_libpq_would_use(url, secret):
    assert password_of(url) == secret


def test_every_url_of_a_message_loses_its_password():
    text = "from 'https://x:y1@z' and url=http://u:p2@h/x, not http://host/p?a=b:c@d"
    assert redact(text) == ("from 'https://x:****@z' and url=http://u:****@h/x, "
                            "not http://host/p?a=b:c@d")
