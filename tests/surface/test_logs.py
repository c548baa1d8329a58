"""pipeline.logs: the pipeline's own records at the chosen level, other libraries' only when they
matter, everything at DEBUG."""

from __future__ import annotations

import io
import logging
import warnings

import pytest

from pipeline import logs


@pytest.fixture
def configured():
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    captured = []

    def configure(level_name):
        stream = io.StringIO()
        logs.configure(level_name, stream)
        captured.append(stream)
        return stream

    yield configure
    for h in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(h)
    root.setLevel(level)
    logging.captureWarnings(False)
    for name in ("great_expectations", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def _emit():
    logging.getLogger("pipeline.bronze.ingest").info("rows read")
    logging.getLogger("pipeline.quality.gate").debug("gate detail")
    logging.getLogger("great_expectations._docs_decorators").info("Skipping registering")
    logging.getLogger("great_expectations.core").warning("a real GX warning")
    logging.getLogger("urllib3").info("connection pool")
    # what logging.captureWarnings sends (pytest routes real warnings to itself): a library's
    # warning, its file outside pipeline/, and one raised in pipeline code
    py_warnings = logging.getLogger("py.warnings")
    py_warnings.warning("%s", warnings.formatwarning(
        "use a PostgresDatasource", UserWarning, "/venv/site-packages/gx/sql.py", 1))
    py_warnings.warning("%s", warnings.formatwarning(
        "our own deprecation", UserWarning, logs.__file__, 1))


def test_info_shows_the_pipeline_and_other_libraries_warnings_only(configured):
    stream = configured("INFO")
    _emit()
    text = stream.getvalue()
    assert "rows read" in text and "a real GX warning" in text and "our own deprecation" in text
    for hidden in ("gate detail", "Skipping registering", "connection pool",
                   "PostgresDatasource"):
        assert hidden not in text


def test_debug_shows_everything(configured):
    stream = configured("DEBUG")
    _emit()
    text = stream.getvalue()
    for shown in ("rows read", "gate detail", "Skipping registering", "a real GX warning",
                  "connection pool", "PostgresDatasource", "our own deprecation"):
        assert shown in text


def test_configure_twice_keeps_one_handler(configured):
    configured("INFO")
    stream = configured("INFO")
    logging.getLogger("pipeline.x").info("once")
    assert stream.getvalue().count("once") == 1
    assert sum(getattr(h, "_drawpipe", False) for h in logging.getLogger().handlers) == 1
