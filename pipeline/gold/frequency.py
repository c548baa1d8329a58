"""How often each number was drawn per era, against uniform, with a chi-square test per era.

White balls are 5 distinct numbers per draw, so their counts are not multinomial: under
uniform draws Pearson's X^2 has mean N-5, not N-1. Its covariance is proportional to the
multinomial one, so X^2 * (N-1)/(N-5) is chi-square with N-1 degrees of freedom (asymptotically,
like Pearson's test itself). For the special ball (one per draw) the factor is 1.
"""

from __future__ import annotations

from collections import Counter

from pipeline.games import Game


def number_frequencies(game: Game, draws: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(gold.number_counts rows, gold.number_frequency_tests rows) from bronze draws
    (draw_date, era, white_1..white_5, special_ball)."""
    from scipy.stats import chi2

    by_era: dict[str, list[tuple]] = {}
    for d in draws:
        by_era.setdefault(d[1], []).append(d)
    counts, tests = [], []
    for era_name, rows in sorted(by_era.items()):
        era = game.era_named(era_name)
        balls = {
            "white": (range(era.white_min, era.white_max + 1), era.white_count,
                      Counter(n for r in rows for n in r[2:7])),
            "special": (range(era.special_min, era.special_max + 1), 1,
                        Counter(r[7] for r in rows)),
        }
        for ball, (numbers, per_draw, observed) in balls.items():
            n_numbers = len(numbers)
            expected = len(rows) * per_draw / n_numbers
            counts += [(game.id, era_name, ball, n, observed.get(n, 0), expected)
                       for n in numbers]
            x2 = sum((observed.get(n, 0) - expected) ** 2 / expected for n in numbers)
            scaled = x2 * (n_numbers - 1) / (n_numbers - per_draw)
            df = n_numbers - 1
            tests.append((game.id, era_name, ball, len(rows), x2, scaled, df,
                          float(chi2.sf(scaled, df)), expected))
    return counts, tests
