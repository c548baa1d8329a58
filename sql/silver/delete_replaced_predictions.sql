-- Publish step 1: remove the published predictions and scores that the staged write replaces,
-- i.e. every (model_name, target_draw_date) it staged for the game.
with replaced as (
    select distinct model_name, target_draw_date from staging.predictions
    where staging_id = %(staging_id)s
), s as (
    delete from silver.prediction_scores x using replaced r
    where x.game = %(game)s and x.model_name = r.model_name
      and x.target_draw_date = r.target_draw_date
    returning 1
), p as (
    delete from silver.predictions x using replaced r
    where x.game = %(game)s and x.model_name = r.model_name
      and x.target_draw_date = r.target_draw_date
    returning 1
)
select (select count(*) from p) as predictions, (select count(*) from s) as scores
