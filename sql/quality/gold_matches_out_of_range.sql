-- Gold gate audit: audited results whose white_matches is outside 0-5 (violating rows).
with audited as (
    select * from staging.audited_results(%(staging_id)s::uuid, %(published)s::boolean,
                                          %(game)s::text, %(date_from)s::date, %(date_to)s::date)
)
select model_name, target_draw_date, ticket, white_matches
from audited
where white_matches is null or white_matches not between 0 and 5
order by model_name, target_draw_date, ticket
