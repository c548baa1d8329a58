"""Generated hostile values: SQL and shell metacharacters, huge strings, unicode, wrong types.

`hostile_values(n)` is deterministic (seeded), so a failure names a value that reproduces.
"""

from __future__ import annotations

import random

CRAFTED = [
    "", " ", "'", '"', "`", "\\", ";", "--", "/*", "*/", "%", "%s", "%(game)s", "{0}", "{}",
    "'; drop schema bronze cascade; --", "\" or 1=1 --", "x' or '1'='1", "1; select pg_sleep(5)",
    "$(touch /tmp/drawpipe_pwned)", "`id`", "; rm -rf ~", "| cat /etc/passwd", "&& echo hi",
    "> /tmp/drawpipe_out", "$HOME", "${IFS}", "\n", "\r\n", "\t", "a\nb", "\x1b[31mred",
    "../../../../etc/passwd", "/etc/passwd", "/dev/zero", "/dev/null", "/proc/self/environ",
    ".", "..", "/", "~", "file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x",
    "http://127.0.0.1:9/'; drop table x;--", "https://127.0.0.1:9/$(id)", "javascript:alert(1)",
    "-1", "0", "1e308", "NaN", "inf", "-0", "99999999999999999999", "0x10", "true", "null",
    "None", "[]", "{}", "{\"a\": 1}", "2025-13-45", "9999-99-99", "0000-00-00", "2025-02-30",
    "20250101", "2025/01/01", "2025-01-01T00:00", "2025-01-01 ", " 2025-01-01", "-2025-01-01",
    "POWERBALL", "powerball ", " powerball", "power_ball", "powerball;", "powerball'--",
    "mega-millions", "pòwerball", "ｐｏｗｅｒｂａｌｌ", "powerball\u200b", "\u202egnp.exe",
    "💣", "🧨" * 100, "é" * 1000, "\ufeff", "\u0000".replace("\u0000", "\ufffd"),
    "a" * 10_000, "x" * 1_000_000, "../" * 2000, "'" * 5000, "%n" * 500,
    "no/such/dir/$(id).dump", "no/such/dir/x.dump", "postgresql://", "postgresql://:@:/",
    "postgresql://u:p@127.0.0.1:1/x?sslmode=bogus", "host=127.0.0.1 dbname='", "dbname=",
    "--help", "-h", "--game", "--source=x", "-", "--",
]
PIECES = ["'", '"', ";", "--", "$(", ")", "`", "|", "&", ">", "<", "*", "?", "[", "]", "{",
          "}", "\\", "%", "\n", "\t", " ", "é", "中", "🙂", "\u202e", "\u200b", "DROP TABLE ",
          "select ", "pg_sleep(9)", "../", "/etc/", "powerball", "2025-01-01", "0", "-1", "x" * 50]


def hostile_values(n: int = 500, seed: int = 1337) -> list[str]:
    rng = random.Random(seed)
    values = list(CRAFTED)
    while len(values) < n:
        k = rng.randint(1, 12)
        values.append("".join(rng.choice(PIECES) for _ in range(k)))
    return values[:n]


# JSON values of every type, for inputs that arrive as JSON (a DAG run's conf), not as argv text.
WRONG_TYPES = [
    None, True, False, 0, 1, -1, 2, 5.0, 0.5, -0.0, 1e308, -1e308, float("inf"), float("-inf"),
    float("nan"), 2**31, 2**63, 2**64 + 1, -(2**70), 10**100, [], [None], [""], ["x"], [1, 2],
    [[]], [{}], [True], ["a"] * 1000, {}, {"": ""}, {"a": 1}, {"$ne": None}, {"$gt": ""},
    {"__proto__": {"admin": True}}, {"constructor": {"prototype": {}}}, [[["deep"]]] * 3,
    {"source": "/etc/passwd"}, {"value": True}, "", "null", "true", "false", "[]", "{}",
]


def _hostile_structure(rng: random.Random, strings: list[str]):
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(strings)
    if pick < 0.5:
        return [rng.choice(strings) for _ in range(rng.randint(1, 4))]
    if pick < 0.6:
        return {rng.choice(strings): rng.choice(strings)}
    if pick < 0.7:
        return rng.choice([rng.randint(-(2**70), 2**70), rng.uniform(-1e9, 1e9),
                           rng.randint(-1000, 0), rng.randint(10**6, 10**12)])
    if pick < 0.8:
        return str(rng.choice([rng.randint(-(2**40), 2**40), rng.uniform(-1e6, 1e6)]))
    if pick < 0.9:
        return [{rng.choice(strings): [rng.choice(strings)]}]
    return rng.choice(strings) + rng.choice(["\x00", "\n", "\u202e", "\u200b", "\ufeff", "'"])


def hostile_json(n: int = 500, seed: int = 4242, near=()) -> list:
    """`near` (an input's own near misses) first, then every wrong JSON type, the crafted
    strings, and seeded random strings, lists, objects and numbers up to n values."""
    rng = random.Random(seed)
    strings = hostile_values(max(n, len(CRAFTED) + 100), seed)
    values = [*near, *WRONG_TYPES, *CRAFTED]
    while len(values) < n:
        values.append(_hostile_structure(rng, strings))
    return values[:n]
