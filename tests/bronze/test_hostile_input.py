"""Hostile input at the bronze edge (issue #12 items 1, 2, 3, 6), against a real PostgreSQL.

Unicode digits and separators, a NUL byte, a quarantine flood, an oversized source, a memory
bound, an HTTP server that trickles, and a URL carrying a password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from pipeline.bronze.ingest import ingest
from pipeline.errors import SourceError
from tests.conftest import NY_EXPORT, ROOT

# Tiers (tests/conftest.py): the tests using `conn` are integration; the memory bound runs a
# real process (system).
HEADER = '"Draw Date","Winning Numbers","Multiplier"\n'
MB = 1024 * 1024

# One published draw each, rewritten with characters that int()/\d/str.split() accept.
# (date, NY row as published, hostile row, the character the reason must name)
HOSTILE = [
    ("2025-12-31", '"12/31/2025","11 18 21 24 38 26","10"',
     '"12/31/2025","11 18 21 24 38 \u0662\u0665","10"', "'\u0662\u0665' has non-ASCII digits"),
    ("2025-12-29", '"12/29/2025","11 19 34 48 53 21","2"',
     '"12/29/2025","11 19 34 48 53 \uff12\uff11","2"', "has non-ASCII digits"),
    ("2025-12-27", '"12/27/2025","05 20 34 39 62 01","2"',
     '"12/27/2025","05\u00a020 34 39 62 01","2"', "U+00A0"),
    ("2025-12-24", '"12/24/2025","04 25 31 52 59 19","2"',
     '"12/24/2025","04 25 31 52 59\u2003 19","2"', "U+2003"),
]


def _call(argv):
    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def published(conn, day):
    return conn.execute("select white_1, white_2, white_3, white_4, white_5, special_ball,"
                        " multiplier, record_hash from bronze.draws where draw_date = %s",
                        (day,)).fetchone()


def test_unicode_digits_and_separators_never_revise_a_published_draw(conn, tmp_path,
                                                                     monkeypatch):
    """The newest 40 draws of the shipped export, published; then the same rows with four of
    them rewritten (contract.sh edges does it on the whole export, through the CLI)."""
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.2")
    lines = NY_EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)[:41]
    original = tmp_path / "newest.csv"
    original.write_text("".join(lines), encoding="utf-8")
    ingest("powerball", str(original))
    before = {day: published(conn, day) for day, *_ in HOSTILE}
    text = "".join(lines)
    for _, row, hostile, _ in HOSTILE:
        assert row in text
        text = text.replace(row, hostile)
    src = tmp_path / "unicode.csv"
    src.write_text(text, encoding="utf-8")
    result = ingest("powerball", str(src))
    assert (result["revised"], result["inserted"], result["quarantined"]) == (0, 0, len(HOSTILE))
    assert result["unchanged"] == 40 - len(HOSTILE)
    assert {day: published(conn, day) for day, *_ in HOSTILE} == before
    reasons = [r[0] for r in conn.execute(
        "select reason from ops.quarantine where batch_id = %s order by line_no",
        (result["batch_id"],))]
    for reason, (_, _, _, names) in zip(reasons, HOSTILE, strict=True):
        assert reason.startswith("not_a_number: ") and names in reason, reason
    assert conn.execute("select count(*) from bronze.draw_revisions").fetchone() == (0,)


def test_a_nul_byte_quarantines_its_row_and_the_rest_loads(conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.5")
    rows = [f'"01/{d:02d}/2020","01 02 03 04 05 06","2"' for d in (4, 8, 11, 15)]
    rows[2] = '"01/11/2020","01 02 03 04 05 06","2\x00"'
    src = tmp_path / "nul.csv"
    src.write_bytes((HEADER + "\n".join(rows) + "\n").encode())
    result = ingest("powerball", str(src))
    assert (result["inserted"], result["quarantined"]) == (3, 1)
    line, raw, reason = conn.execute("select line_no, raw_record, reason from ops.quarantine"
                                     ).fetchone()
    assert (line, reason) == (4, "bad_csv: NUL byte at column 3")
    assert "\x00" not in raw and raw.startswith("01/11/2020")


def test_quarantine_keeps_at_most_the_cap_but_counts_every_row(conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.9")
    monkeypatch.setenv("PIPELINE_QUARANTINE_MAX_ROWS", "5")
    good = [f'"01/{d:02d}/2020","01 02 03 04 05 06","2"' for d in (4, 8, 11)]
    src = tmp_path / "flood.csv"
    src.write_text(HEADER + "\n".join(good + ["x,y,z"] * 20) + "\n")
    result = ingest("powerball", str(src))
    assert (result["rows_read"], result["inserted"], result["quarantined"]) == (23, 3, 20)
    assert result["quarantine_stored"] == 5
    stored = conn.execute("select min(line_no), max(line_no), count(*) from ops.quarantine"
                          ).fetchone()
    assert stored == (5, 9, 5)  # the first five rejected lines
    batch = conn.execute("select status, rows_read, inserted + unchanged + revised + quarantined,"
                         " quarantined, quarantine_stored from ops.ingest_batches").fetchone()
    assert batch == ("published", 23, 23, 20, 5)


def test_a_source_bigger_than_a_lottery_export_is_refused_and_writes_nothing(conn, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write(HEADER)
        line = '"01/04/2020","01 02 03 04 05 06","2"\n'
        fh.write(line * (9 * MB // len(line)))
    with pytest.raises(SourceError, match=r"larger than .*PIPELINE_SOURCE_MAX_BYTES"):
        ingest("powerball", str(big))
    assert conn.execute("select count(*) from ops.ingest_batches").fetchone() == (0,)


@pytest.mark.system
@pytest.mark.slow
def test_peak_memory_of_an_ingest_stays_under_300mb_plus_5x_the_input(conn, tmp_path):
    """A real process on a 4 MB source of repeated and broken rows (the issue's 50x)."""
    body = NY_EXPORT.read_text().splitlines(keepends=True)[1:]
    src = tmp_path / "amplify.csv"
    with src.open("w") as fh:
        fh.write(HEADER)
        while fh.tell() < 4 * MB:
            fh.writelines(body)  # every date again: duplicates
            fh.writelines(['"13/45/2020","01 02 03 04 05 06","2"\n'] * 2000)  # bad dates
    size = src.stat().st_size
    code, peak_mb, err = _run_measured(["ingest", "--game", "powerball", "--source", str(src)],
                                       tmp_path)
    assert code == 3, err[-2000:]  # mostly broken rows: the gate refuses the batch
    assert "Traceback" not in err
    assert peak_mb < 300 + 5 * size / MB, f"peak RSS {peak_mb:.0f} MB for {size / MB:.1f} MB"
    stored, counted = conn.execute(
        "select (select count(*) from ops.quarantine), quarantined from ops.ingest_batches"
    ).fetchone()
    assert stored == 10_000 and counted > 90_000


# The child reports its own peak: ru_maxrss would not do, because Linux folds the memory of the
# process that forked it (a pytest worker holding hundreds of MB) into the child's maxrss at exec.
# VmHWM belongs to the address space the exec created, so it counts the ingest alone.
_REPORT_PEAK = """
import sys
from pipeline.cli import main
try:
    code = main(sys.argv[2:])
finally:
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            open(sys.argv[1], 'w').write(line.split()[1])
sys.exit(code)
"""


def _run_measured(args, tmp_path) -> tuple[int, float, str]:
    """`python -m pipeline ARGS` as a real process: (exit code, its own peak RSS in MB, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    peak = tmp_path / "peak_kb"
    with (tmp_path / "out").open("wb") as out, (tmp_path / "err").open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", _REPORT_PEAK, str(peak), *args], cwd=ROOT,
                                env=env, stdout=out, stderr=err)
        try:
            proc.wait(timeout=240)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    return proc.returncode, int(peak.read_text()) / 1024, (tmp_path / "err").read_text()


def test_http_deadline_covers_the_whole_transfer(conn, trickle_server, monkeypatch):
    monkeypatch.setenv("PIPELINE_HTTP_ATTEMPTS", "1")
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "1")
    for phase in ("headers", "body"):
        url = trickle_server(phase)
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"did not finish within 1 s"):
            ingest("powerball", url)
        assert time.monotonic() - started < 3, phase
    assert conn.execute("select count(*) from ops.ingest_batches").fetchone() == (0,)


def test_a_url_with_a_password_is_refused_and_the_password_goes_nowhere(conn, caplog):
    secret = "s3cr3t-Pw"
    url = f"http://reader:{secret}@127.0.0.1:9/rows.csv"
    code, out, err = _call(["ingest", "--game", "powerball", "--source", url])
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "credentials" in lines[0] and "Traceback" not in err
    assert secret not in err and secret not in caplog.text
    runs = conn.execute("select params::text, coalesce(partition, ''), coalesce(message, ''),"
                        " status from ops.runs").fetchall()
    assert runs and all(secret not in " ".join(r[:3]) for r in runs)
    assert runs[0][3] == "failed"
    assert conn.execute("select count(*) from ops.ingest_batches").fetchone() == (0,)


@pytest.fixture
def trickle_server():
    """An HTTP server on 127.0.0.1 that sends one byte every 0.3 s (for at most 15 s)."""
    listeners = []
    stop = threading.Event()

    def serve(listener, phase):
        listener.settimeout(15)
        with contextlib.suppress(OSError):
            client, _ = listener.accept()
            with client:
                client.recv(65536)
                head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
                if phase == "body":
                    client.sendall(head)
                    head = b'"Draw Date","Winning Numbers","Multiplier"\n' * 2000
                deadline = time.monotonic() + 15
                for byte in head:
                    if stop.is_set() or time.monotonic() > deadline:
                        break
                    client.sendall(bytes([byte]))
                    time.sleep(0.3)

    def start(phase):
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)
        threading.Thread(target=serve, args=(listener, phase), daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/rows.csv"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()


def test_repeated_dates_across_chunks_follow_the_row_validator(conn, tmp_path, monkeypatch):
    """Chunks of 2 rows: a date repeated in other chunks is resolved in SQL exactly as
    validate.resolve_duplicates does on the whole batch (same lines, same reasons)."""
    import pipeline.bronze.batch as batch
    from pipeline.bronze.read import split_rows
    from pipeline.bronze.validate import validate_rows
    from pipeline.games import get_game

    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.9")
    a, b = '"01/04/2020","01 02 03 04 05 06","2"', '"01/04/2020","01 02 03 04 05 07","2"'
    c = '"01/08/2020","01 02 03 04 05 06","2"'
    rows = [a, c, '"01/11/2020","01 02 03 04 05 06","2"', c, a, b, c, a, "x,y,z"]
    text = HEADER + "\n".join(rows) + "\n"
    src = tmp_path / "dups.csv"
    src.write_text(text)
    game = get_game("powerball")
    valid, rejects = validate_rows(list(split_rows(text, game)[1]), game, dt.date(2026, 1, 1))
    result = ingest("powerball", str(src))
    assert (result["inserted"], result["quarantined"]) == (len(valid), len(rejects)) == (2, 7)
    stored = conn.execute("select line_no, raw_record, reason from ops.quarantine"
                          " order by line_no").fetchall()
    assert stored == sorted(rejects)
    kept = conn.execute("select draw_date from bronze.draws order by 1").fetchall()
    assert [r[0] for r in kept] == [d.draw_date for d in valid]
