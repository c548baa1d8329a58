-- Publish step 6: the published write's staged rows are no longer needed.
with p as (delete from staging.predictions where staging_id = %(staging_id)s returning 1),
     s as (delete from staging.prediction_scores where staging_id = %(staging_id)s returning 1),
     r as (delete from staging.model_runs where staging_id = %(staging_id)s returning 1)
select (select count(*) from p), (select count(*) from s), (select count(*) from r)
