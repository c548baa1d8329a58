"""`python -m bench <name> [--rows N]` or `python -m bench all`.

Each benchmark is bench/<name>.py with `run(rows: int | None) -> None` that prints its lines via
bench.harness.emit. Benchmarks make and drop their own database on PIPELINE_DATABASE_URL's server.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

SKIP = {"harness", "__main__", "__init__", "common", "planted"}


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name not in SKIP)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("name", choices=[*available(), "all"])
    parser.add_argument("--rows", type=int, help="size (default: each benchmark's own ladder)")
    args = parser.parse_args(argv)
    names = available() if args.name == "all" else [args.name]
    for name in names:
        importlib.import_module(f"bench.{name}").run(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
