-- After a successful publish the run's staged rows are no longer needed.
with results as (
    delete from staging.prediction_results where staging_id = %(staging_id)s
), summaries as (
    delete from staging.verdict_summary where staging_id = %(staging_id)s
)
delete from staging.model_performance where staging_id = %(staging_id)s
