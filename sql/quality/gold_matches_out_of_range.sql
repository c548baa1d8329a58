-- Gold gate audit: staged results whose white_matches is outside 0-5 (violating rows).
select model_name, target_draw_date, ticket, white_matches
from staging.prediction_results
where staging_id = %(staging_id)s
  and (white_matches is null or white_matches not between 0 and 5)
order by model_name, target_draw_date, ticket
