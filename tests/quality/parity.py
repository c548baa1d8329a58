"""Comparing a suite's SQL form with Great Expectations on the same rows."""

from __future__ import annotations

import datetime as dt


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def by_expectation(results, sample_columns) -> dict:
    """{expectation: (success, unexpected count, sample rows as `sample_columns`)}.

    GX orders results its own way, hence a dict; the SQL form's samples also carry the
    expectation's own columns, so both are cut to the suite's sample columns."""
    out = {r.expectation: (r.success, r.unexpected_count or 0,
                           [{k: _plain(row[k]) for k in sample_columns}
                            for row in r.unexpected_sample])
           for r in results}
    assert len(out) == len(results)
    return out
