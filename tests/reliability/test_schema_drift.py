"""Schema drift in the source: a renamed, a missing and a retyped column never load silently."""

import csv

import pytest

from pipeline.bronze.ingest import ingest
from pipeline.errors import SourceError
from pipeline.quality.results import GateFailedError
from tests.conftest import NY_EXPORT
from tests.reliability.helpers import bronze_content

pytestmark = pytest.mark.integration


def _drifted(tmp_path, header, transform):
    """The real NY export with a new header and each row transformed."""
    _, *rows = list(csv.reader(NY_EXPORT.open()))
    path = tmp_path / "drifted.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        w.writerows(transform(r) for r in rows)
    return str(path)


@pytest.fixture
def loaded(conn):
    ingest("powerball", str(NY_EXPORT))
    return bronze_content(conn)


@pytest.mark.parametrize(("header", "transform", "message"), [
    (["Draw Date", "Winning Nums", "Multiplier"], lambda r: r,
     "unknown source header .*'Winning Nums'"),
    (["Draw Date", "Winning Numbers"], lambda r: r[:2], "missing column 'Multiplier'"),
], ids=["renamed", "missing"])
def test_renamed_or_missing_column_is_a_clear_error_and_writes_nothing(
        conn, loaded, tmp_path, header, transform, message):
    batches = conn.execute("select count(*) from ops.ingest_batches").fetchone()[0]
    with pytest.raises(SourceError, match=message):
        ingest("powerball", _drifted(tmp_path, header, transform))
    assert bronze_content(conn) == loaded
    assert conn.execute("select count(*) from ops.ingest_batches").fetchone()[0] == batches


@pytest.mark.parametrize("first_line", [
    "PIPELINE_DATABASE_URL=postgresql://drawpipe:s3cret-pw@db/warehouse",
    "root:s3cret-pw:0:0:root:/root:/bin/bash",
    '{"api_key": "s3cret-pw", "url": "https://x"}',
], ids=["environ", "passwd", "json"])
def test_a_wrong_file_does_not_echo_its_content(conn, loaded, tmp_path, first_line):
    # --source can name any readable file; its first line must not reach the task log.
    path = tmp_path / "not_an_export.txt"
    path.write_text(first_line + "\nrest of the file\n")
    with pytest.raises(SourceError, match="unknown source header") as caught:
        ingest("powerball", str(path))
    assert "s3cret" not in str(caught.value)
    assert bronze_content(conn) == loaded


@pytest.mark.parametrize(("transform", "reason"), [
    # multiplier as a decimal, as a spreadsheet re-export writes it
    (lambda r: [r[0], r[1], f"{r[2]}.0" if r[2] else ""], "not_a_number"),
    # the draw date as the portal's API timestamp
    (lambda r: [f"{r[0][6:]}-{r[0][:2]}-{r[0][3:5]}T00:00:00.000", r[1], r[2]], "bad_date"),
    # winning numbers as a JSON array
    (lambda r: [r[0], "[" + ",".join(r[1].split()) + "]", r[2]], "wrong_count"),
], ids=["multiplier_decimal", "date_timestamp", "numbers_json"])
def test_retyped_column_is_quarantined_never_coerced(conn, loaded, tmp_path, transform, reason):
    source = _drifted(tmp_path, ["Draw Date", "Winning Numbers", "Multiplier"], transform)
    with pytest.raises(GateFailedError, match="quarantine_rate"):
        ingest("powerball", source)
    assert bronze_content(conn) == loaded  # nothing published, nothing coerced
    reasons = conn.execute(
        "select split_part(reason, ':', 1), count(*) from ops.quarantine q"
        " join ops.ingest_batches b using (batch_id) where b.status = 'failed'"
        " group by 1").fetchall()
    # every row that carried the retyped value is quarantined under the reason naming it
    assert dict(reasons).get(reason, 0) > 0
    assert set(dict(reasons)) == {reason}
