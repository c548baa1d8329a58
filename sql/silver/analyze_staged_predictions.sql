-- Fresh planner statistics after a bulk COPY into staging (see analyze_staged_features.sql).
analyze staging.predictions, staging.prediction_scores, staging.model_runs
