-- Gold gate: each distinct (era, matches, tier, prize) combination audited, with a sample key,
-- checked against the era's prize chart in the game definition (the compact frame GX checks).
with audited as (
    select * from staging.prediction_results
    where staging_id = %(staging_id)s and game = %(game)s
    union all
    select *, null::uuid from gold.prediction_results
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
)
select era, white_matches, special_match, prize_tier, is_jackpot, prize_usd, count(*) as n,
       min(model_name || ' ' || target_draw_date || ' #' || ticket) as example
from audited
group by era, white_matches, special_match, prize_tier, is_jackpot, prize_usd
order by era, white_matches, special_match
