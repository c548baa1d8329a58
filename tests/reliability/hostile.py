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
