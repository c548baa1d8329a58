"""What a certified layer's Asset event carries (its `extra`): what this run published.

A check_<layer> task emits its layer's Asset only after certifying it; the event's extra is built
here from the JSON result of the step that published (its XCom) and the certification: the rows
published, the batch or staging id that ties them to `ops.runs`, `ops.dq_results` and
`staging.*`, and the gate that passed. A DAG scheduled on the Asset (or a person in the UI's
Assets view) sees what changed without querying the warehouse.
"""

from __future__ import annotations

# layer -> (keys of the publishing step's result copied as they are, keys summed to rows_published)
STEP_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "bronze": (("batch_id", "source", "rows_read", "inserted", "revised", "unchanged",
                "quarantined"), ("inserted", "revised")),
    "features": (("staging_id", "mode", "rows", "rebuilt_draws", "rebuild_from",
                  "replaced_rows"), ("rows",)),
    "predictions": (("staging_id", "target_draw_date", "first_target", "last_target",
                     "target_draws", "models", "model_runs", "predictions",
                     "replaced_predictions"), ("predictions",)),
    "gold": (("staging_id", "scored", "inserted", "rescored", "unchanged", "removed",
              "archived", "pending", "performance_rows"), ("inserted", "rescored")),
}
GATE_FIELDS = ("gate_run_id", "gate_checked_at", "gate_partition", "gate_expectations")


def asset_extra(layer: str, step_result: dict | None, certification: dict | None) -> dict:
    """The extra of `layer`'s Asset event: JSON-safe scalars (and the model list) only.

    A missing result (a step that returned nothing) leaves its fields out rather than failing
    the event: the certification already proved the layer; the extra only describes it.
    """
    copied, summed = STEP_FIELDS[layer]
    step = step_result if isinstance(step_result, dict) else {}
    extra: dict = {"layer": layer, "game": (certification or {}).get("game", step.get("game"))}
    counts = [step[k] for k in summed if isinstance(step.get(k), int)]
    if counts:
        extra["rows_published"] = sum(counts)
    extra.update({k: step[k] for k in copied if step.get(k) is not None})
    extra.update({k: certification[k] for k in GATE_FIELDS
                  if certification and certification.get(k) is not None})
    return extra
