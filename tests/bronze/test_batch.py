"""The vectorised validator gives exactly what the row-by-row validator gives (no database)."""

import datetime as dt
import random

import pytest

from pipeline.bronze.batch import _draw_row, validate_source
from pipeline.bronze.read import split_rows
from pipeline.bronze.validate import validate_rows
from pipeline.games import get_game
from tests.conftest import NORMALIZED, NY_EXPORT

TODAY = dt.date(2026, 1, 1)
NUMBERS = ["01", "02", "3", "69", "70", "00", "x3", "3.0", "\u0663", "26", "27", "10", "", " "]
DATES = ["01/04/2020", "2020-01-04", "01/05/2020", "13/45/2020", "02/30/2020", "01/03/2026",
         "04/18/1992", "10/03/2015", "10/07/2015", "08/16/2021", "08/23/2021", "2020-1-4",
         "0000-01-01", "1500-01-01", "2300-01-01"]


def same_as_row_path(text: str, game_id: str = "powerball") -> tuple[int, int]:
    game = get_game(game_id)
    rows = list(split_rows(text, game)[1])
    valid, rejects = validate_rows(rows, game, TODAY)
    fast = validate_source(text, game, TODAY)
    assert fast.rows_read == len(rows)
    assert fast.rejects == rejects
    assert fast.staged == [_draw_row(d) for d in valid]
    return len(valid), len(rejects)


@pytest.mark.parametrize("path", [NY_EXPORT, NORMALIZED])
def test_real_files(path):
    valid, rejects = same_as_row_path(path.read_text())
    assert valid > 1800 and rejects == 0


def test_mega_millions_layout_with_its_own_special_column():
    text = ('"Draw Date","Winning Numbers","Mega Ball","Multiplier"\n'
            '"01/03/2020","01 02 03 04 05","09","02"\n"01/03/2020","01 02 03 04 05","99","02"\n'
            '"01/07/2020","01 02 03 04 05 06","09","03"\n"01/10/2020","01 02 03 04 05","","03"\n'
            '"01/14/2020","70 02 03 04 05","07",""\n')
    assert same_as_row_path(text, "mega_millions") == (2, 3)


@pytest.mark.parametrize("seed", range(40))
def test_random_hostile_batches(seed):
    rnd = random.Random(seed)
    ny = ['"Draw Date","Winning Numbers","Multiplier"']
    for _ in range(rnd.randint(0, 40)):
        nums = " ".join(rnd.choice(NUMBERS) if rnd.random() < 0.15 else
                        f"{rnd.randint(1, 69):02d}" for _ in range(rnd.choice([6, 6, 6, 5, 7])))
        if rnd.random() < 0.05:
            nums = nums.replace(" ", "\t ", 1)
        row = f'"{rnd.choice(DATES)}","{nums}","{rnd.choice(["2", "3", "", "10", "7", "0", "x"])}"'
        row = rnd.choice([row] * 30 + [row.rsplit(",", 1)[0], "", row + ',"extra"', '"a"b"c'])
        ny += [row] * (2 if rnd.random() < 0.1 else 1)
    same_as_row_path("\n".join(ny) + "\n")
    normalized = ["draw_date,white_1,white_2,white_3,white_4,white_5,powerball,multiplier"]
    for _ in range(rnd.randint(0, 30)):
        whites = [rnd.choice(NUMBERS) if rnd.random() < 0.1 else str(rnd.randint(1, 69))
                  for _ in range(5)]
        row = ",".join([rnd.choice(DATES), *whites, str(rnd.randint(1, 30)),
                        rnd.choice(["2", "", "10"])])
        normalized += [row] * (2 if rnd.random() < 0.1 else 1)
    same_as_row_path("\n".join(normalized) + "\n")
