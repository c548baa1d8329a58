-- What one features write staged (checked again at publish, like predictions).
select (select count(*) from staging.number_features where staging_id = %(staging_id)s),
       (select count(*) from staging.feature_draws where staging_id = %(staging_id)s)
