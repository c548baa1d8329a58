-- The results one evaluate staged, with the columns pipeline/gold/performance.py's per_draw
-- reads (the draw hash, game and ticket price are not needed there: less to transfer).
-- Grain: one staged result.
select model_name, model_run_id, target_draw_date, ticket, era,
       white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
       prize_tier, is_jackpot, prize_usd
from staging.prediction_results
where staging_id = %(staging_id)s
