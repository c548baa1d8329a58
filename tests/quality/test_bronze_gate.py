"""The bronze gate on real PostgreSQL: bad batches fail it, leave published tables as they were
and keep their staged rows; a good batch records every expectation as a success."""

from __future__ import annotations

import pytest

from pipeline.bronze.ingest import expectation_list, ingest
from pipeline.games import get_game
from pipeline.quality.gate import run_gate
from pipeline.quality.results import GateFailedError
from tests.conftest import NY_EXPORT
from tests.quality.batches import (
    dates_missing_from_ny_export,
    next_non_draw_day,
    real_rows,
    stage_published_copy,
    write_csv,
)
from tests.quality.checksums import published_checksums

pytestmark = pytest.mark.integration

GX_EXPECTATIONS = 15  # expectation_list(game) for a 5+1 game
SQL_AUDITS = ("batch_has_rows", "quarantine_rate_below_threshold",
              "every_row_staged_or_quarantined", "scheduled_draw_dates_present")


@pytest.fixture
def published(conn):
    """bronze holds the real NY export, as after a first nightly run."""
    result = ingest("powerball", str(NY_EXPORT))
    assert result["status"] == "published" and result["inserted"] == 1883
    return result


def gate_rows(conn, batch_id: str):
    return conn.execute(
        "select r.expectation, r.severity, r.success, r.unexpected_count, r.unexpected_sample"
        " from ops.dq_results r where r.partition = %s order by r.id",
        (f"batch:{batch_id}",)).fetchall()


def staged_count(conn, batch_id: str) -> int:
    return conn.execute("select count(*) from staging.draws where batch_id = %s",
                        (batch_id,)).fetchone()[0]


def failed_batch_id(conn) -> str:
    row = conn.execute("select batch_id, message from ops.ingest_batches where status = 'failed'"
                       " order by started_at desc limit 1").fetchone()
    assert row is not None, "no failed batch recorded"
    return str(row[0])


def ingest_fails(conn, source: str, expectation: str) -> tuple[GateFailedError, str]:
    """Ingest `source`: the gate must fail naming `expectation`, and publish nothing."""
    before = published_checksums(conn)
    with pytest.raises(GateFailedError) as info:
        ingest("powerball", source)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("bronze gate failed for powerball [batch:")
    assert expectation in message
    assert published_checksums(conn) == before
    batch_id = failed_batch_id(conn)
    failed = [r[0] for r in gate_rows(conn, batch_id) if not r[2] and r[1] == "error"]
    assert expectation in failed
    return info.value, batch_id


def test_real_batch_records_every_expectation_as_a_success(conn, published):
    rows = gate_rows(conn, published["batch_id"])
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)) == GX_EXPECTATIONS + len(SQL_AUDITS)
    assert set(SQL_AUDITS) <= set(names)
    assert len(expectation_list(get_game("powerball"))) == GX_EXPECTATIONS
    errors = [r for r in rows if r[1] == "error"]
    assert errors and all(r[2] for r in errors), [r for r in errors if not r[2]]
    # The NY export lacks 6 real draws: a warning naming them, which does not stop the run.
    warn = {r[0]: r for r in rows if r[1] == "warn"}
    missing = warn["scheduled_draw_dates_present"]
    assert missing[2] is False and missing[4] == dates_missing_from_ny_export()
    assert missing[3] == 6


def test_normalized_batch_fills_the_gaps_and_the_warning_clears(conn, published):
    from tests.conftest import NORMALIZED

    result = ingest("powerball", str(NORMALIZED))
    assert result["inserted"] == 6
    rows = gate_rows(conn, result["batch_id"])
    assert rows and all(r[2] for r in rows)


def test_out_of_range_ball_rows_push_the_quarantine_rate_over_the_threshold(conn, published,
                                                                           tmp_path):
    rows = real_rows(2016)
    for r in rows[:3]:  # 70 is one past the 2015-10-07 era's 69
        r[5] = "70"
    error, batch_id = ingest_fails(conn, write_csv(tmp_path / "b.csv", rows),
                                   "quarantine_rate_below_threshold")
    assert "white_out_of_range" in str(error)
    # The valid rows stay staged for inspection.
    assert staged_count(conn, batch_id) == len(rows) - 3


def test_era_boundary_60_is_invalid_before_2015_10_07(conn, published, tmp_path):
    rows = [r for r in real_rows(2015) if r[0] <= "2015-10-03"]
    rows[-1][5] = "60"  # 2015-10-03: the last draw of the 1-59 era
    ingest_fails(conn, write_csv(tmp_path / "b.csv", rows), "quarantine_rate_below_threshold")


def test_duplicate_draws_in_the_batch_fail(conn, published, tmp_path):
    rows = real_rows(2016)
    dupes = [list(r) for r in rows[:2]]
    for r in dupes:  # same dates, other numbers: the batch contradicts itself
        r[6] = "1" if r[6] != "1" else "2"
    error, _ = ingest_fails(conn, write_csv(tmp_path / "b.csv", rows + dupes),
                            "quarantine_rate_below_threshold")
    assert "duplicate_date_in_batch" in str(error)


def test_non_draw_weekday_rows_fail(conn, published, tmp_path):
    rows = real_rows(2016)
    for r in rows[:3]:
        r[0] = next_non_draw_day(r[0])
    error, _ = ingest_fails(conn, write_csv(tmp_path / "b.csv", rows),
                            "quarantine_rate_below_threshold")
    assert "not_draw_day" in str(error)


def test_a_30_percent_garbage_batch_fails(conn, published, tmp_path):
    rows = real_rows(2016)[:70] + [["garbage", "x", "y"] for _ in range(30)]
    error, batch_id = ingest_fails(conn, write_csv(tmp_path / "b.csv", rows),
                                   "quarantine_rate_below_threshold")
    assert '"rate": 0.3' in str(error)
    assert staged_count(conn, batch_id) == 70


def test_a_header_only_file_fails(conn, published, tmp_path):
    _, batch_id = ingest_fails(conn, write_csv(tmp_path / "b.csv", []), "batch_has_rows")
    assert staged_count(conn, batch_id) == 0


def test_quarantine_threshold_is_configurable(conn, published, tmp_path, monkeypatch):
    rows = real_rows(2016)[:70] + [["garbage", "x", "y"] for _ in range(30)]
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.5")
    result = ingest("powerball", write_csv(tmp_path / "b.csv", rows))
    assert result["status"] == "published" and result["quarantined"] == 30
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "lots")
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match="PIPELINE_MAX_QUARANTINE_RATE"):
        ingest("powerball", write_csv(tmp_path / "c.csv", rows))


def test_failed_batch_stays_staged_until_the_next_run_of_the_game(conn, published, tmp_path):
    rows = real_rows(2016)[:70] + [["garbage", "x", "y"] for _ in range(30)]
    _, batch_id = ingest_fails(conn, write_csv(tmp_path / "b.csv", rows),
                               "quarantine_rate_below_threshold")
    assert staged_count(conn, batch_id) == 70
    ingest("powerball", write_csv(tmp_path / "good.csv", real_rows(2016)))
    assert staged_count(conn, batch_id) == 0


# Rows that bypassed row validation (written straight into staging): GX must catch them.
BYPASS = [
    ("white ball out of the era's range",
     "update staging.draws set white_5 = 70 where batch_id = %(b)s and line_no = 5",
     "expect_column_pair_values_a_to_be_greater_than_b(rule_white_max, white_5)"),
    ("powerball out of the era's range",
     "update staging.draws set special_ball = 27 where batch_id = %(b)s and line_no = 5",
     "expect_column_pair_values_a_to_be_greater_than_b(rule_special_max, special_ball)"),
    ("multiplier not allowed in the era",
     "update staging.draws set multiplier = 7 where batch_id = %(b)s and line_no = 5",
     "expect_column_values_to_be_in_set(era_multiplier)"),
    ("non-draw weekday",
     "update staging.draws set draw_date = draw_date + 1 where batch_id = %(b)s"
     " and line_no = 5",
     "expect_column_values_to_be_in_set(schedule_weekday)"),
    ("duplicate draw in the batch",
     "insert into staging.draws select batch_id, 999, game, draw_date, white_1, white_2,"
     " white_3, white_4, white_5, special_ball, multiplier, white_order_source, era, source,"
     " record_hash from staging.draws where batch_id = %(b)s and line_no = 5",
     "expect_compound_columns_to_be_unique(game, draw_date)"),
    ("whites repeated",
     "update staging.draws set white_1 = white_2 where batch_id = %(b)s and line_no = 5",
     "expect_select_column_values_to_be_unique_within_record("),
    ("era label not the draw date's era",
     "update staging.draws set era = '2014-01-22' where batch_id = %(b)s and line_no = 5",
     "expect_column_pair_values_to_be_equal(era, rule_era)"),
]


@pytest.mark.parametrize(("what", "corrupt", "expectation"), BYPASS, ids=[b[0] for b in BYPASS])
def test_gx_catches_staged_rows_that_bypassed_validation(conn, published, what, corrupt,
                                                         expectation):
    batch_id = stage_published_copy(conn, year=2016)
    clean = run_gate(conn, "bronze", "powerball", "test:clean", batch_id)
    assert all(r.success for r in clean if r.severity == "error")
    conn.execute(corrupt, {"b": batch_id})
    line = conn.execute("select draw_date from staging.draws where batch_id = %s"
                        " and line_no = 5", (batch_id,)).fetchone()[0]
    before = published_checksums(conn)
    with pytest.raises(GateFailedError) as info:
        run_gate(conn, "bronze", "powerball", f"batch:{batch_id}", batch_id)
    message = str(info.value)
    assert expectation in message and "\n" not in message
    assert line.isoformat() in message  # a sample row names the offending draw
    assert published_checksums(conn) == before
    recorded = {r[0]: r for r in gate_rows(conn, batch_id)}
    failed = [name for name, r in recorded.items() if not r[2]]
    assert any(name.startswith(expectation) for name in failed), failed
    sample = next(r[4] for name, r in recorded.items() if name.startswith(expectation))
    assert sample and any(s.get("draw_date") == line.isoformat() for s in sample)
