-- What one write staged (checked again at publish: a concurrent run of the same partition may
-- have cleared it, and publishing half a write is never allowed).
select (select count(*) from staging.model_runs where staging_id = %(staging_id)s) as model_runs,
       (select count(*) from staging.predictions where staging_id = %(staging_id)s) as predictions,
       (select count(*) from staging.prediction_scores where staging_id = %(staging_id)s) as scores
