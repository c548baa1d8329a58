-- Publish step 4: the published write's staged rows are no longer needed.
with f as (delete from staging.number_features where staging_id = %(staging_id)s returning 1),
     d as (delete from staging.feature_draws where staging_id = %(staging_id)s returning 1)
select (select count(*) from f), (select count(*) from d)
