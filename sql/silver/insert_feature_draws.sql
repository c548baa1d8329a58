-- Publish step 3: which bronze draw values the published features now reflect.
insert into silver.feature_draws (game, draw_date, record_hash, built_at)
select game, draw_date, record_hash, built_at
from staging.feature_draws
where staging_id = %(staging_id)s
