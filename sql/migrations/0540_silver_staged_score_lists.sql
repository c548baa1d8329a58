-- staging.prediction_scores holds one predictions write's scores as score lists: grain one row
-- per (staging_id, model_name, game, target_draw_date, ball_type), `scores` the probabilities
-- of the numbers first_number, first_number + 1, ... (the target era's range). The publish
-- expands them into silver.prediction_scores, one row per number (sql/silver/
-- publish_predictions.sql). Staging ~190 rows a draw one number each cost more to write,
-- index, analyze, audit and delete than publishing them. Its rows are staged writes only
-- (kept for inspection after a failed gate): dropped here, as the next run would drop them.
truncate staging.prediction_scores;
alter table staging.prediction_scores
    drop column number,
    drop column score,
    add column first_number smallint not null,
    add column scores double precision[] not null;
