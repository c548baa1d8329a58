-- Drop what earlier runs staged for these models and target dates of the game (rows kept after a
-- failed gate stay for inspection until the next run of the same partition), whole writes at once.
with writes as (
    select distinct staging_id from staging.predictions
    where game = %(game)s and model_name = any(%(models)s)
      and target_draw_date = any(%(targets)s::date[])
), p as (
    delete from staging.predictions where staging_id in (select staging_id from writes) returning 1
), s as (
    delete from staging.prediction_scores where staging_id in (select staging_id from writes)
    returning 1
), r as (
    delete from staging.model_runs where staging_id in (select staging_id from writes) returning 1
)
select (select count(*) from p) as predictions, (select count(*) from s) as scores,
       (select count(*) from r) as model_runs
