"""Import direction of pipeline/: no cycles, layers import only downward, no Airflow.

Every import counts, lazy ones inside functions too: a cycle hidden in a function is still a
cycle. The order of the packages is docs/architecture.md's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
CORE = {"__init__", "errors", "paths", "redact", "games_schema", "games", "embedded", "db",
        "failures", "migrate", "freshness", "logs", "runs", "ops", "settings", "copy"}
# Lowest first; a package may import its own level and any lower one. `wap` (the one
# write-audit-publish engine) runs the quality gate and is run by every layer.
LEVELS = [CORE, {"quality"}, {"wap"}, {"bronze"}, {"silver"}, {"gold"}, {"orchestration"},
          {"commands"}, {"cli", "__main__"}]


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _edges() -> set[tuple[str, str, str]]:
    edges = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source = _unit(module.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "airflow":
                    edges.add((source, "airflow", str(path)))
                elif name.startswith("pipeline.") and _unit(name) != source:
                    edges.add((source, _unit(name), str(path)))
    return edges


def _level(unit: str) -> int:
    return next(i for i, units in enumerate(LEVELS) if unit in units)


def test_every_package_has_a_level():
    units = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists())}
    assert units <= set().union(*LEVELS), sorted(units - set().union(*LEVELS))


def test_pipeline_never_imports_airflow():
    assert not [e for e in _edges() if e[1] == "airflow"]


def test_layers_import_only_downward():
    upward = sorted((a, b, f) for a, b, f in _edges()
                    if b != "airflow" and _level(b) > _level(a))
    assert not upward, "\n".join(f"{f}: {a} imports {b}" for a, b, f in upward)


def test_no_import_cycles_between_packages():
    graph: dict[str, set[str]] = {}
    for a, b, _ in _edges():
        if b != "airflow":
            graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(a for a in graph if reaches(a, a, {a}))
    assert not cycles, cycles
