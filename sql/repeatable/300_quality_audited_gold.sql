-- The rows a gold audit reads (the gold twin of 300_quality_audited_predictions.sql): the rows
-- one evaluate staged (p_staging_id), plus, when p_published, the game's published rows. One
-- definition for every sql/quality/gold_*.sql audit; plain SQL functions the planner inlines, so
-- the callers' filters still reach the tables' indexes.
-- staging.audited_results: grain one result per (model_name, game, target_draw_date, ticket);
-- the published ones only for targets in [p_from, p_to] (null = open).
create or replace function staging.audited_results(
    p_staging_id uuid, p_published boolean, p_game text, p_from date, p_to date)
returns setof staging.prediction_results
language sql stable as $$
    select * from staging.prediction_results
    where staging_id = p_staging_id and game = p_game
    union all
    select *, null::uuid from gold.prediction_results
    where p_published and game = p_game
      and target_draw_date between coalesce(p_from, '-infinity') and coalesce(p_to, 'infinity')
$$;

-- staging.audited_performance: grain one row per (model_name, game, era, window_name, config).
create or replace function staging.audited_performance(
    p_staging_id uuid, p_published boolean, p_game text)
returns setof staging.model_performance
language sql stable as $$
    select * from staging.model_performance where staging_id = p_staging_id
    union all
    select *, null::uuid from gold.model_performance where p_published and game = p_game
$$;
