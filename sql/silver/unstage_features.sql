-- Drop what earlier features runs of the game staged (kept after a failed gate for inspection
-- until the next run of the same partition: a game's features).
with f as (delete from staging.number_features where game = %(game)s returning 1),
     d as (delete from staging.feature_draws where game = %(game)s returning 1)
select (select count(*) from f), (select count(*) from d)
