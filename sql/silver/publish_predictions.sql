-- Publish one predictions write (predict or backtest: pipeline/silver/predict.py
-- through pipeline/wap.py), in one transaction holding the game's silver lock. Grain:
-- silver.predictions one ticket per (model_name, game, target_draw_date, ticket), key the same;
-- silver.prediction_scores one probability per (model_name, game, target_draw_date, ball_type,
-- number), staged as one score list per (model_name, target_draw_date, ball_type);
-- silver.model_runs one fitted run per model_run_id. The write's rows (staging_id) replace the
-- published ones of every (model, target date) it staged; runs no prediction uses any more go.
-- Steps run top to bottom, each followed by the fault point silver.predictions.publish.<step>.

-- name: staged
-- What the write staged, checked against what it wrote: a concurrent run of the same partition
-- may have cleared it, and publishing half a write is never allowed.
select (select count(*) from staging.model_runs where staging_id = %(staging_id)s) as model_runs,
       (select count(*) from staging.predictions where staging_id = %(staging_id)s) as predictions,
       (select coalesce(sum(cardinality(scores)), 0) from staging.prediction_scores
        where staging_id = %(staging_id)s) as scores;

-- name: deleted
-- The published predictions and scores the write replaces: every (model_name,
-- target_draw_date) it staged for the game.
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
select (select count(*) from p) as predictions, (select count(*) from s) as scores;

-- name: runs_inserted
-- The write's model runs (before the predictions that reference them).
insert into silver.model_runs (model_run_id, model_name, model_version, game, params,
    train_first_draw, train_last_draw, n_train_draws, code_version, metrics, created_at)
select model_run_id, model_name, model_version, game, params, train_first_draw, train_last_draw,
       n_train_draws, code_version, metrics, created_at
from staging.model_runs
where staging_id = %(staging_id)s;

-- name: predictions_inserted
-- The write's tickets.
insert into silver.predictions (model_name, model_run_id, game, target_draw_date, ticket,
    white_1, white_2, white_3, white_4, white_5, special_ball, era, created_at)
select model_name, model_run_id, game, target_draw_date, ticket,
       white_1, white_2, white_3, white_4, white_5, special_ball, era, created_at
from staging.predictions
where staging_id = %(staging_id)s;

-- name: scores_inserted
-- The write's per-number probabilities, each score list expanded to one row per number. The
-- lists are read in the primary key's order (a sort of ~4 lists a draw) and each list's numbers
-- ascend, so the key's index is filled page after page rather than all over.
insert into silver.prediction_scores (model_name, game, target_draw_date, ball_type, number, score)
select s.model_name, s.game, s.target_draw_date, s.ball_type,
       (s.first_number + u.position - 1)::smallint, u.score
from (select model_name, game, target_draw_date, ball_type, first_number, scores
      from staging.prediction_scores where staging_id = %(staging_id)s
      order by model_name, game, target_draw_date, ball_type) s
cross join lateral unnest(s.scores) with ordinality as u(score, position);

-- name: orphans_dropped
-- Model runs of these models that no published prediction uses any more (replaced by this
-- write), so reruns never grow silver.model_runs. NOT IN over the game's run ids is one hashed
-- lookup per run (model_run_id is never null in silver.predictions).
delete from silver.model_runs r
where r.game = %(game)s and r.model_name = any(%(models)s)
  and r.model_run_id not in (select p.model_run_id from silver.predictions p
                             where p.game = %(game)s);

-- name: before_commit
-- The published write's staged rows are no longer needed.
with p as (delete from staging.predictions where staging_id = %(staging_id)s returning 1),
     s as (delete from staging.prediction_scores where staging_id = %(staging_id)s returning 1),
     r as (delete from staging.model_runs where staging_id = %(staging_id)s returning 1)
select (select count(*) from p), (select count(*) from s), (select count(*) from r);
