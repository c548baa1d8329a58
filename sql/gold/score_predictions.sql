-- Score every prediction of one game whose target draw is in bronze, straight into staging
-- (one INSERT ... SELECT: no row travels to Python and back). Grain: one ticket of one model
-- for one known draw. White matches count the picked whites among the drawn ones (bronze's
-- whites are distinct); the tier, jackpot flag, prize and ticket price of each (era, white
-- matches, special match) come from the game file as bound arrays (pipeline/gold/performance.py's
-- outcome table, one row per outcome of every era), so SQL holds no prize rule of its own.
insert into staging.prediction_results (
    model_name, model_run_id, game, target_draw_date, ticket, era,
    white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
    prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash, staging_id)
select p.model_name, p.model_run_id, p.game, p.target_draw_date, p.ticket, d.era,
       p.white_1, p.white_2, p.white_3, p.white_4, p.white_5, p.special_ball,
       m.white_matches, m.special_match,
       o.prize_tier, o.is_jackpot, o.prize_usd, o.ticket_price_usd, d.record_hash,
       %(staging_id)s
from silver.predictions p
join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
cross join lateral (
    select ((p.white_1 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
            + (p.white_2 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
            + (p.white_3 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
            + (p.white_4 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
            + (p.white_5 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
           )::smallint as white_matches,
           p.special_ball = d.special_ball as special_match
) m
join unnest(%(eras)s::text[], %(white_matches)s::smallint[], %(special_matches)s::boolean[],
            %(tiers)s::text[], %(jackpots)s::boolean[], %(prizes)s::text[]::numeric[],
            %(prices)s::text[]::numeric[])
     as o(era, white_matches, special_match, prize_tier, is_jackpot, prize_usd,
          ticket_price_usd)
  on o.era = d.era and o.white_matches = m.white_matches and o.special_match = m.special_match
where p.game = %(game)s
