-- Publish step 2: the staged feature rows.
insert into silver.number_features (game, draw_date, era, ball_type, number, history_from,
    as_of_draw_date, era_draws_before, hits_10, hits_25, hits_50, hits_100, hits_era,
    draws_since_seen, seen_in_era, created_at)
select game, draw_date, era, ball_type, number, history_from, as_of_draw_date, era_draws_before,
       hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era, created_at
from staging.number_features
where staging_id = %(staging_id)s
