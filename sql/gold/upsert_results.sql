-- Publish the staged results: new keys are inserted, changed ones replaced (their old values
-- were archived first), identical ones left as they are, so re-evaluating changes nothing.
insert into gold.prediction_results as g (
    model_name, model_run_id, game, target_draw_date, ticket, era,
    white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
    prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash)
select model_name, model_run_id, game, target_draw_date, ticket, era,
       white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
       prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash
from staging.prediction_results
where staging_id = %(staging_id)s
on conflict (model_name, game, target_draw_date, ticket) do update
set model_run_id = excluded.model_run_id, era = excluded.era,
    white_1 = excluded.white_1, white_2 = excluded.white_2, white_3 = excluded.white_3,
    white_4 = excluded.white_4, white_5 = excluded.white_5,
    special_ball = excluded.special_ball, white_matches = excluded.white_matches,
    special_match = excluded.special_match, prize_tier = excluded.prize_tier,
    is_jackpot = excluded.is_jackpot, prize_usd = excluded.prize_usd,
    ticket_price_usd = excluded.ticket_price_usd,
    draw_record_hash = excluded.draw_record_hash, evaluated_at = now()
where (g.model_run_id, g.era, g.white_1, g.white_2, g.white_3, g.white_4, g.white_5,
       g.special_ball, g.white_matches, g.special_match, g.prize_tier, g.is_jackpot,
       g.prize_usd, g.ticket_price_usd, g.draw_record_hash)
      is distinct from
      (excluded.model_run_id, excluded.era, excluded.white_1, excluded.white_2,
       excluded.white_3, excluded.white_4, excluded.white_5, excluded.special_ball,
       excluded.white_matches, excluded.special_match, excluded.prize_tier,
       excluded.is_jackpot, excluded.prize_usd, excluded.ticket_price_usd,
       excluded.draw_record_hash)
returning (xmax = 0) as inserted
