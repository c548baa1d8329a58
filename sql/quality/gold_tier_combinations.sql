-- Gold gate: each distinct (era, matches, tier, prize) combination staged, with a sample key,
-- checked in Python against the era's prize chart in the game definition.
select era, white_matches, special_match, prize_tier, is_jackpot, prize_usd, count(*) as n,
       min(model_name || ' ' || target_draw_date || ' #' || ticket) as example
from staging.prediction_results
where staging_id = %(staging_id)s
group by era, white_matches, special_match, prize_tier, is_jackpot, prize_usd
order by era, white_matches, special_match
