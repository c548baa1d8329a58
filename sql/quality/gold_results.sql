-- Gold gate / the results the expectations check: one row per audited result (one staged
-- evaluate, or the published results of a date range). Grain: model_name, game,
-- target_draw_date, ticket. Unordered: the staged gate wraps it in one aggregate query, and
-- `check gold` sorts its frame for Great Expectations' samples.
with audited as (
    select * from staging.audited_results(%(staging_id)s::uuid, %(published)s::boolean,
                                          %(game)s::text, %(date_from)s::date, %(date_to)s::date)
)
select model_name, game, target_draw_date, ticket, era, white_1, white_2, white_3, white_4,
       white_5, special_ball, white_matches, special_match, prize_tier, is_jackpot, prize_usd,
       draw_record_hash
from audited
