-- Gold gate / the results Great Expectations validates: one row per audited result (one staged
-- evaluate, or the published results of a date range). Grain: model_name, game,
-- target_draw_date, ticket.
with audited as (
    select * from staging.prediction_results
    where staging_id = %(staging_id)s and game = %(game)s
    union all
    select *, null::uuid from gold.prediction_results
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
)
select model_name, game, target_draw_date, ticket, era, white_1, white_2, white_3, white_4,
       white_5, special_ball, white_matches, special_match, prize_tier, is_jackpot, prize_usd,
       draw_record_hash
from audited
order by model_name, target_draw_date, ticket
