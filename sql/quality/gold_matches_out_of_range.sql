-- Gold gate audit: audited results whose white_matches is outside 0-5 (violating rows).
with audited as (
    select * from staging.prediction_results
    where staging_id = %(staging_id)s and game = %(game)s
    union all
    select *, null::uuid from gold.prediction_results
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
)
select model_name, target_draw_date, ticket, white_matches
from audited
where white_matches is null or white_matches not between 0 and 5
order by model_name, target_draw_date, ticket
