-- Publish step 1: the published features (and their draw markers) from the rebuild's first draw on.
with f as (delete from silver.number_features
           where game = %(game)s and draw_date >= %(rebuild_from)s returning 1),
     d as (delete from silver.feature_draws
           where game = %(game)s and draw_date >= %(rebuild_from)s returning 1)
select (select count(*) from f), (select count(*) from d)
