"""How one fixed ticket would have done over every draw of the eras it is valid in.

Beside each count stands the exact expectation of a uniformly random ticket (pipeline/gold/
prizes.py): over many draws a fixed ticket does exactly as well as a random one, because every
draw is independent of the ones before it. That is the honest answer to "my numbers are due".
Prizes are base-play fixed prizes of the era's chart (no multiplier); a jackpot win is counted,
never priced (pari-mutuel).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pipeline.games import Era, Game
from pipeline.gold.prizes import baseline, classify, outcomes

TOP_WINS = 10


@dataclass(frozen=True)
class Ticket:
    whites: tuple[int, ...]  # ascending
    special: int

    def valid_in(self, era: Era) -> bool:
        return (all(era.white_min <= w <= era.white_max for w in self.whites)
                and era.special_min <= self.special <= era.special_max)

    def text(self) -> str:
        return " ".join(str(w) for w in self.whites) + f" + {self.special}"


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def era_history(era: Era, ticket: Ticket, draws: list[tuple]) -> dict:
    """Counts, money and exact expectations of `ticket` over `draws` (date, whites, special)."""
    n = len(draws)
    mine = set(ticket.whites)
    counts: dict[tuple[int, bool], int] = {}
    wins = []
    for day, whites, special in draws:
        key = (len(mine & set(whites)), special == ticket.special)
        counts[key] = counts.get(key, 0) + 1
        wins.append((key, day, whites, special))
    rows, returned, jackpots = [], 0.0, 0
    for o in outcomes(era):
        key = (o.white_matches, o.special_match)
        observed = counts.get(key, 0)
        rows.append({"white_matches": o.white_matches, "special_match": o.special_match,
                     "prize_tier": o.prize_tier, "prize_usd": o.prize_usd,
                     "is_jackpot": o.is_jackpot, "observed": observed,
                     "expected": float(n * o.probability), "odds_1_in": o.odds_1_in})
        if o.prize_usd:
            returned += observed * o.prize_usd
        if o.is_jackpot:
            jackpots += observed
    base = baseline(era)
    charted = bool(era.prizes)
    price = era.ticket_price_usd
    winning = [r for r in rows if r["prize_tier"] not in (None, "none")]
    best = sorted((w for w in wins if _pays(era, w[0]) or w[0][0] >= 3),
                  key=lambda w: (-w[0][0], -w[0][1], w[1]))[:TOP_WINS]
    return {
        "era": era.name, "white_max": era.white_max, "special_max": era.special_max,
        "draws": n, "first_draw": draws[0][0] if draws else None,
        "last_draw": draws[-1][0] if draws else None,
        "white_matches": sum(k[0] * c for k, c in counts.items()),
        "expected_white_matches": float(n * base.expected_white_matches),
        "special_matches": sum(c for k, c in counts.items() if k[1]),
        "expected_special_matches": float(n * base.expected_special_hit_rate),
        "prizes_won": sum(r["observed"] for r in winning) if charted else None,
        "expected_prizes_won": (float(n * base.any_prize_probability) if charted else None),
        "jackpots": jackpots if charted else None,
        "spent_usd": n * price if price is not None else None,
        "returned_usd": returned if charted else None,
        "expected_returned_usd": (float(n * base.expected_return_per_play) if charted
                                  else None),
        "expected_return_per_play_usd": _float(base.expected_return_per_play),
        "ticket_price_usd": price,
        "any_prize_odds_1_in": base.any_prize_odds_1_in,
        "outcomes": rows,
        "best_draws": [{"draw_date": day, "whites": list(whites), "special_ball": special,
                        "white_matches": k[0], "special_match": k[1],
                        "prize_tier": tier_of(era, k)} for k, day, whites, special in best],
    }


def tier_of(era: Era, key: tuple[int, bool]) -> str | None:
    return classify(era, key[0], key[1])[0]


def _pays(era: Era, key: tuple[int, bool]) -> bool:
    return tier_of(era, key) not in (None, "none")


def ticket_history(game: Game, ticket: Ticket, draws: list[tuple]) -> dict:
    """Per era of `draws` (date, era name, whites, special) in which the ticket is valid."""
    by_era: dict[str, list] = {}
    for day, era_name, whites, special in draws:
        by_era.setdefault(era_name, []).append((day, whites, special))
    eras, skipped = [], []
    for name in sorted(by_era, reverse=True):
        era = game.era_named(name)
        if ticket.valid_in(era):
            eras.append(era_history(era, ticket, by_era[name]))
        else:
            skipped.append({"era": name, "draws": len(by_era[name]),
                            "white_max": era.white_max, "special_max": era.special_max})
    money = [e for e in eras if e["returned_usd"] is not None and e["spent_usd"] is not None]
    totals = {
        "draws": sum(e["draws"] for e in eras),
        "spent_usd": sum(e["spent_usd"] for e in money),
        "returned_usd": sum(e["returned_usd"] for e in money),
        "expected_returned_usd": sum(e["expected_returned_usd"] for e in money),
        "prizes_won": sum(e["prizes_won"] for e in money),
        "expected_prizes_won": sum(e["expected_prizes_won"] for e in money),
        "jackpots": sum(e["jackpots"] for e in money),
        "draws_with_prize_chart": sum(e["draws"] for e in money),
    }
    return {"game": game.id, "ticket": {"whites": list(ticket.whites),
                                        "special_ball": ticket.special},
            "eras": eras, "skipped_eras": skipped, "totals": totals}
