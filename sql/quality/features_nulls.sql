-- Gate features / no nulls: staged feature rows with a null in any column.
select count(*) over () as violations, draw_date, ball_type, number
from staging.number_features
where staging_id = %(staging_id)s
  and (game is null or draw_date is null or era is null or ball_type is null or number is null
       or history_from is null or as_of_draw_date is null or era_draws_before is null
       or hits_10 is null or hits_25 is null or hits_50 is null or hits_100 is null
       or hits_era is null or draws_since_seen is null or seen_in_era is null)
order by draw_date, ball_type, number
limit 5
