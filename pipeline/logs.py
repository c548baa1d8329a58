"""Logging for `python -m pipeline`: the pipeline's own lines; other libraries' when they matter.

At INFO (the default) a step's stderr carries `pipeline.*` records only, plus WARNING and above
from everything else. Libraries log freely at INFO (Great Expectations logs ~210 decorator
registrations on import) and some set their own logger levels when imported, so the rule is a
filter on the one stderr handler, not logger levels that a later import may undo. Python
warnings raised inside third-party code (e.g. GX's "use a PostgresDatasource" advice) are
library chatter a user cannot act on: shown at DEBUG only. Warnings raised in pipeline code
stay visible. `--log-level DEBUG` shows everything.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_PACKAGE_DIR = str(Path(__file__).resolve().parent)
# Loggers known to flood INFO; also raised at the logger so their records are never built.
_NOISY = ("great_expectations", "pgserver", "sqlalchemy", "urllib3", "matplotlib")


def _ours(name: str) -> bool:
    return name == "pipeline" or name.startswith("pipeline.") or name == "__main__"


class StepFilter(logging.Filter):
    """Pass pipeline records at `level`; others at WARNING and above (all of them at DEBUG)."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if self.level <= logging.DEBUG:
            return True
        if _ours(record.name):
            return record.levelno >= self.level
        if record.name == "py.warnings":  # the message starts with the warning's file path
            return _PACKAGE_DIR in record.getMessage() and record.levelno >= self.level
        return record.levelno >= max(self.level, logging.WARNING)


def configure(level: str | int = "INFO", stream=None) -> logging.Handler:
    """One stderr handler on the root logger with StepFilter; returns the handler."""
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_drawpipe", False)]:
        root.removeHandler(old)  # configure() twice in one process (tests) keeps one handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._drawpipe = True
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(StepFilter(numeric))
    root.addHandler(handler)
    root.setLevel(numeric)
    logging.captureWarnings(True)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.NOTSET if numeric <= logging.DEBUG
                                         else logging.WARNING)
    return handler
