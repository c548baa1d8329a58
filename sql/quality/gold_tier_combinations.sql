-- Gold gate: each distinct (era, matches, tier, prize) combination audited, with a sample key,
-- checked against the era's prize chart in the game definition (the compact frame GX checks).
with audited as (
    select * from staging.audited_results(%(staging_id)s::uuid, %(published)s::boolean,
                                          %(game)s::text, %(date_from)s::date, %(date_to)s::date)
)
select era, white_matches, special_match, prize_tier, is_jackpot, prize_usd, count(*) as n,
       min(model_name || ' ' || target_draw_date || ' #' || ticket) as example
from audited
group by era, white_matches, special_match, prize_tier, is_jackpot, prize_usd
order by era, white_matches, special_match
