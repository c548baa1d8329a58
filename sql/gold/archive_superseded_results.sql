-- Copy every published result that this run changes or drops into the history, with why:
-- the draw was revised (new bronze record_hash), the prediction was replaced (new run or
-- numbers), or the prediction or draw is gone. Unchanged results are not touched.
insert into gold.prediction_results_history (
    model_name, model_run_id, game, target_draw_date, ticket, era,
    white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
    prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash, evaluated_at,
    superseded_reason)
select g.model_name, g.model_run_id, g.game, g.target_draw_date, g.ticket, g.era,
       g.white_1, g.white_2, g.white_3, g.white_4, g.white_5, g.special_ball,
       g.white_matches, g.special_match, g.prize_tier, g.is_jackpot, g.prize_usd,
       g.ticket_price_usd, g.draw_record_hash, g.evaluated_at,
       case when s.model_name is null then 'source_removed'
            when s.draw_record_hash <> g.draw_record_hash then 'draw_revised'
            else 'prediction_replaced' end
from gold.prediction_results g
left join staging.prediction_results s
       on s.staging_id = %(staging_id)s and s.model_name = g.model_name and s.game = g.game
      and s.target_draw_date = g.target_draw_date and s.ticket = g.ticket
where g.game = %(game)s
  and (s.model_name is null
       or (s.model_run_id, s.era, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
           s.special_ball, s.white_matches, s.special_match, s.prize_tier, s.is_jackpot,
           s.prize_usd, s.ticket_price_usd, s.draw_record_hash)
          is distinct from
          (g.model_run_id, g.era, g.white_1, g.white_2, g.white_3, g.white_4, g.white_5,
           g.special_ball, g.white_matches, g.special_match, g.prize_tier, g.is_jackpot,
           g.prize_usd, g.ticket_price_usd, g.draw_record_hash))
