"""What a user sees: a quiet ingest, `show`, `ticket`, the report and predict's JSON, each figure
checked against an independent recount from the shipped CSV."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from collections import Counter
from fractions import Fraction
from itertools import combinations
from math import comb

import psycopg
import pytest

from pipeline.games import get_game
from tests.surface.conftest import FIXED, PENDING, call
from tests.surface.recount import ny_draws, scheduled_between, tier_probability

GAME = get_game("powerball")


def _ticket(whites, special) -> str:  # how show and the report print a ticket
    return " ".join(f"{w:2d}" for w in whites) + f" + {special:2d}"


def test_ingest_prints_only_the_pipelines_few_lines(surface):
    lines = [ln for ln in surface["ingest_stderr"].splitlines() if ln.strip()]
    assert 1 <= len(lines) <= 10, lines
    assert all(" pipeline." in ln for ln in lines), lines  # no GX, no py.warnings
    assert any("1883 rows" in ln for ln in lines) and any("published" in ln for ln in lines)


def test_show_json_matches_bronze_gold_and_the_schedule(surface):
    code, out, err = call("show", "--game", "powerball", "--json")
    assert code == 0, err
    shown = json.loads(out)
    last_day, last_whites, last_special = ny_draws()[-1]
    assert shown["latest_draw"]["draw_date"] == str(last_day)
    assert (shown["latest_draw"]["whites"], shown["latest_draw"]["special_ball"]) == (
        list(last_whites), last_special)
    fresh = shown["freshness"]
    today = dt.date.fromisoformat(fresh["today"])
    assert abs((today - dt.date.today()).days) <= 1
    assert fresh["missing_draws"] == scheduled_between(last_day, today)
    assert fresh["stale"] == (fresh["missing_draws"] > 0)
    picks = {p["model"]: p for p in shown["picks"]}
    assert picks["fixed"]["tickets"] == [[FIXED[0], FIXED[1]]]
    assert picks["random"]["tickets"] == [list(surface["random_tickets"][PENDING])]
    assert {p["target_draw_date"] for p in picks.values()} == {PENDING}
    assert all(p["pending"] for p in picks.values())
    with psycopg.connect(surface["url"]) as conn:
        sentence = conn.execute("select sentence from gold.verdict_summary"
                                " where game = 'powerball'").fetchone()[0]
    assert shown["verdict"]["sentence"] == sentence
    # the leaderboard's figures against a recount of the fixed ticket over 2025's draws
    draws_2025 = [d for d in ny_draws() if d[0].year == 2025]
    row = next(r for r in shown["leaderboard"] if r["model_name"] == "fixed")
    assert row["n_draws"] == len(draws_2025) == len(surface["days_2025"])
    matches = sum(len(set(FIXED[0]) & set(w)) for _, w, _ in draws_2025)
    assert row["mean_white_matches"] == pytest.approx(matches / len(draws_2025), abs=1e-12)
    assert row["expected_white_matches"] == pytest.approx(25 / 69, abs=1e-12)
    assert row["verdict"] in ("beats random", "unconfirmed lead", "inconclusive", "no evidence")


def test_show_text_leads_with_freshness_picks_and_the_sentence(surface):
    code, out, _ = call("show", "--game", "powerball")
    assert code == 0
    flat = " ".join(out.split())
    shown = json.loads(call("show", "--game", "powerball", "--json")[1])
    assert " ".join(shown["verdict"]["sentence"].split()) in flat
    assert _ticket(*FIXED) in out and _ticket(*surface["random_tickets"][PENDING]) in out
    assert ("stale:" in out) == shown["freshness"]["stale"]
    assert max(len(ln) for ln in out.splitlines()) <= 100


def test_ticket_history_equals_a_recount_with_exact_expectations(surface):
    code, out, err = call("ticket", "--game", "powerball", "--numbers", "1 2 3 4 5 + 6",
                          "--json")
    assert code == 0, err
    result = json.loads(out)
    mine = {1, 2, 3, 4, 5}
    by_era: dict[str, list] = {}
    for day, whites, special in ny_draws():
        by_era.setdefault(GAME.era_for(day).name, []).append((whites, special))
    assert {e["era"] for e in result["eras"]} == set(by_era)  # 6 fits every era's range
    spent = returned = expected_return = 0
    for e in result["eras"]:
        era = GAME.era_named(e["era"])
        draws = by_era[e["era"]]
        tiers = Counter((len(mine & set(w)), s == 6) for w, s in draws)
        won = {(o["white_matches"], o["special_match"]): o["observed"] for o in e["outcomes"]}
        assert won == {k: tiers.get(k, 0) for k in won} and sum(won.values()) == len(draws)
        prize = {k: v for k, v in era.prizes.items() if v != "jackpot"}
        got = sum(c * prize.get(f"{w}+{int(s)}", 0) for (w, s), c in tiers.items())
        exact = sum(Fraction(v) * tier_probability(era.white_max, era.special_max,
                                                    int(k[0]), k[2] == "1")
                    for k, v in prize.items()) * len(draws)
        assert e["draws"] == len(draws) and e["returned_usd"] == got
        assert e["spent_usd"] == len(draws) * era.ticket_price_usd
        assert e["expected_returned_usd"] == pytest.approx(float(exact), rel=1e-12)
        assert e["white_matches"] == sum(len(mine & set(w)) for w, _ in draws)
        assert e["expected_white_matches"] == pytest.approx(len(draws) * 25 / era.white_max)
        spent += e["spent_usd"]
        returned += got
        expected_return += float(exact)
    assert result["totals"]["spent_usd"] == spent
    assert result["totals"]["returned_usd"] == returned
    assert result["totals"]["expected_returned_usd"] == pytest.approx(expected_return)
    code, text, _ = call("ticket", "--game", "powerball", "--numbers", "1,2,3,4,5 + 6")
    assert code == 0 and f"${spent:,.0f}" in text and "due" in text
    assert max(len(ln) for ln in text.splitlines()) <= 100


@pytest.mark.parametrize(("numbers", "code", "says"), [
    ("1 2 3 4 \u0665 + 6", 2, "ASCII digits"),  # an Arabic-Indic five
    ("1 2 3 4 4 + 6", 2, "distinct"),
    ("1 2 3 4 + 6", 2, "exactly 5 white balls"),
    ("1 2 3 4 5 6", 2, "'+'"),
    ("1 2 3 4 70 + 6", 1, "outside the ranges of every powerball era"),
    ("1 2 3 4 5 + 40", 1, "outside the ranges"),
])
def test_ticket_refuses_bad_numbers_in_one_line(surface, numbers, code, says):
    got, out, err = call("ticket", "--game", "powerball", "--numbers", numbers)
    assert (got, out) == (code, "")
    assert len(err.strip().splitlines()) == 1 and says in err


def test_a_ticket_outside_an_eras_range_plays_only_where_it_fits(surface):
    code, out, _ = call("ticket", "--game", "powerball", "--numbers", "1 2 3 4 65 + 6",
                        "--json")
    result = json.loads(out)
    assert code == 0 and [e["era"] for e in result["eras"]] == ["2015-10-07"]
    assert {s["era"] for s in result["skipped_eras"]} == {"2014-01-22", "2012-01-15",
                                                          "2009-01-07"}


@pytest.fixture(scope="module")
def report(surface, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    code, stdout, err = call("report", "--game", "powerball", "--out", str(out))
    assert code == 0, err
    return json.loads(stdout), out.read_text(), out


def test_report_leads_with_the_sentence_then_a_short_table_and_the_picks(surface, report):
    result, page, _ = report
    shown = json.loads(call("show", "--game", "powerball", "--json")[1])
    sentence = html.escape(shown["verdict"]["sentence"])
    assert page.index(sentence) < page.index("<table")
    assert "<details><summary>All leaderboard columns" in page
    short_header = re.search(r"<table class='t board'><thead><tr>(.*?)</tr>", page).group(1)
    assert re.findall(r"<th>(.*?)</th>", short_header) == [
        "model", "era", "draws", "mean vs random", "95% CI", "adjusted p", "family size",
        "verdict", "why"]
    picks = page[page.index("Next draw"):page.index("How the models did")]
    assert _ticket(*FIXED) in picks and _ticket(*surface["random_tickets"][PENDING]) in picks
    images = re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    assert result["figures"] == len(images) > 0
    assert not re.search(r'(src|href)="(http|/|\.)', page)


def _current_era():
    draws = [d for d in ny_draws() if GAME.era_for(d[0]).name == "2015-10-07"]
    return GAME.era_named("2015-10-07"), draws


def test_report_numbers_section_equals_a_recount(report):
    _, page, _ = report
    era, draws = _current_era()
    explore = page[page.index("Exploring the draws"):]
    counts = Counter(w for _, whites, _ in draws for w in whites)
    last = {w: i for i, (_, whites, _) in enumerate(draws) for w in whites}
    expected_gap = (1 - 5 / 69) / (5 / 69)
    for x in range(1, 70):
        row = (f"<td class=n>{x}</td><td class=n>{counts[x]}</td>"
               f"<td class=n>{len(draws) * 5 / 69:.1f}</td><td>{draws[last[x]][0]}</td>"
               f"<td class=n>{len(draws) - 1 - last[x]}</td><td class=n>{expected_gap:.1f}</td>")
        assert row in explore, x


def test_report_pairs_sums_and_weekdays_equal_a_recount(report):
    _, page, _ = report
    era, draws = _current_era()
    explore = page[page.index("Exploring the draws"):]
    pairs = Counter(p for _, whites, _ in draws for p in combinations(whites, 2))
    expected = len(draws) * comb(67, 3) / comb(69, 5)
    assert f"Expected count of any one pair: {expected:.2f}" in explore
    for (a, b), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
        assert f"<td>{a} &amp; {b}</td><td class=n>{c}</td><td class=n>{expected:.2f}</td>" \
            in explore
    sums = [sum(w) for _, w, _ in draws]
    assert (f"<td>mean</td><td class=n>{sum(sums) / len(sums):.1f}</td>"
            f"<td class=n>{5 * 70 / 2:.1f}</td>") in explore
    days = Counter(d.weekday() for d, _, _ in draws)
    for wd, name in ((0, "Mon"), (2, "Wed"), (5, "Sat")):
        assert f"<td>{name}</td><td class=n>{days[wd]}</td>" in explore


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs headless chromium")
def test_report_has_no_horizontal_scroll_at_1280_px(report, tmp_path):
    _, page, _ = report
    probe = ("<script>document.querySelectorAll('details').forEach(d => d.open = true);"
             "window.onload = () => document.body.setAttribute('data-width',"
             " document.documentElement.scrollWidth);</script>")
    opened = tmp_path / "open.html"
    opened.write_text(page.replace("</body>", probe + "</body>"))
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--window-size=1280,1000", "--virtual-time-budget=5000",
                          "--dump-dom", opened.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    width = int(re.search(r'data-width="(\d+)"', dom).group(1))
    assert width <= 1280


def test_predict_json_has_tickets_and_warns_when_data_is_stale(surface):
    target = dt.date(2026, 3, 2)  # a Monday two months past the last draw in bronze
    code, out, err = call("predict", "--game", "powerball", "--for-date", str(target),
                          "--models", "gap,frequency", "--skip-checks")
    assert code == 0, err
    result = json.loads(out)
    last_day = ny_draws()[-1][0]
    assert result["missing_draws_before_target"] == scheduled_between(last_day, target) > 0
    stale = [ln for ln in err.splitlines() if "stale" in ln]
    assert len(stale) == 1 and "WARNING" in stale[0]
    with psycopg.connect(surface["url"]) as conn:
        rows = conn.execute(
            "select model_name, white_1, white_2, white_3, white_4, white_5, special_ball"
            " from silver.predictions where target_draw_date = %s order by 1, ticket",
            (target,)).fetchall()
    stored: dict[str, list] = {}
    for model, *numbers in rows:
        stored.setdefault(model, []).append([list(numbers[:5]), numbers[5]])
    assert result["tickets"] == stored and set(stored) == {"gap", "frequency"}
    from pipeline.freshness import freshness

    with psycopg.connect(surface["url"]) as conn:
        fresh = freshness(conn, GAME, today=target)
    assert len(fresh.missing) == result["missing_draws_before_target"]
    assert fresh.next_draw == target and fresh.as_dict()["stale"] is True


def test_check_bronze_reports_staleness_against_the_schedule(surface):
    code, out, err = call("check", "bronze", "--game", "powerball")
    assert code == 0, err
    fresh = json.loads(out)["freshness"]
    last_day = ny_draws()[-1][0]
    today = dt.date.fromisoformat(fresh["today"])
    assert fresh["latest_draw"] == str(last_day)
    assert fresh["missing_draws"] == scheduled_between(last_day, today)
    warned = [ln for ln in err.splitlines() if "bronze is stale" in ln]
    assert len(warned) == (1 if fresh["missing_draws"] else 0)


def test_a_reader_that_stops_early_gets_no_traceback(surface):
    import os
    import sys

    from tests.conftest import ROOT

    # stdout's reader is gone before the command prints (`ticket ... | head -0`)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ticket", "--game", "powerball",
                             "--numbers", "1 2 3 4 5 + 6"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "Error" not in err
