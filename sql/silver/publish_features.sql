-- Publish one features write (pipeline/silver/features.py through pipeline/wap.py), in one
-- transaction holding the game's silver lock. Grain: silver.number_features one row per
-- (game, draw_date, ball_type, number), key the same; silver.feature_draws one row per
-- (game, draw_date): the bronze record_hash the features of that draw reflect. The write's rows
-- (staging_id) replace every published row from its first rebuilt draw (rebuild_from) on; rows
-- before it are left alone. Steps run top to bottom, each followed by the fault point
-- silver.features.publish.<step>.

-- name: staged
-- What the write staged, checked against what it wrote: a concurrent features run of the game
-- may have cleared it, and publishing half a write is never allowed.
select (select count(*) from staging.number_features where staging_id = %(staging_id)s),
       (select count(*) from staging.feature_draws where staging_id = %(staging_id)s);

-- name: deleted
-- The published features (and their draw markers) from the rebuild's first draw on.
with f as (delete from silver.number_features
           where game = %(game)s and draw_date >= %(rebuild_from)s returning 1),
     d as (delete from silver.feature_draws
           where game = %(game)s and draw_date >= %(rebuild_from)s returning 1)
select (select count(*) from f), (select count(*) from d);

-- name: inserted
-- The staged feature rows.
insert into silver.number_features (game, draw_date, era, ball_type, number, history_from,
    as_of_draw_date, era_draws_before, hits_10, hits_25, hits_50, hits_100, hits_era,
    draws_since_seen, seen_in_era, created_at)
select game, draw_date, era, ball_type, number, history_from, as_of_draw_date, era_draws_before,
       hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era, created_at
from staging.number_features
where staging_id = %(staging_id)s;

-- name: draws_marked
-- Which bronze draw values the published features now reflect.
insert into silver.feature_draws (game, draw_date, record_hash, built_at)
select game, draw_date, record_hash, built_at
from staging.feature_draws
where staging_id = %(staging_id)s;

-- name: before_commit
-- The published write's staged rows are no longer needed.
with f as (delete from staging.number_features where staging_id = %(staging_id)s returning 1),
     d as (delete from staging.feature_draws where staging_id = %(staging_id)s returning 1)
select (select count(*) from f), (select count(*) from d);
