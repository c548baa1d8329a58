"""Airflow DAGs `<game>_medallion`, one per game in pipeline/games.toml (see drawpipe_factory)."""

import sys
from pathlib import Path

# The helper modules sit beside this file; a DAG processor does not always put the DAGs folder
# on sys.path before importing it.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawpipe_factory import build_all  # noqa: E402

globals().update(build_all())
