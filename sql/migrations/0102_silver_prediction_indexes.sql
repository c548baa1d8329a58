-- Lookups by model run: orphan clean-up after a rerun and "which predictions did this fit make".
create index if not exists predictions_model_run on silver.predictions (model_run_id);
create index if not exists staging_model_runs_id on staging.model_runs (staging_id);
