-- staging.audited_predictions: the tickets a predictions audit reads, grain one row per
-- (model_name, game, target_draw_date, ticket): the rows one write staged (p_staging_id), plus,
-- when p_published, the game's published predictions with targets in [p_from, p_to] (null = open).
-- One definition for every sql/quality/predictions_*.sql audit; a plain SQL function the planner
-- inlines, so the callers' filters still reach the tables' indexes.
create or replace function staging.audited_predictions(
    p_staging_id uuid, p_published boolean, p_game text, p_from date, p_to date)
returns table (model_name text, model_run_id uuid, game text, target_draw_date date,
               ticket smallint, white_1 smallint, white_2 smallint, white_3 smallint,
               white_4 smallint, white_5 smallint, special_ball smallint, era text)
language sql stable as $$
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from staging.predictions where staging_id = p_staging_id
    union all
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from silver.predictions
    where p_published and game = p_game
      and target_draw_date between coalesce(p_from, '-infinity') and coalesce(p_to, 'infinity')
$$;
