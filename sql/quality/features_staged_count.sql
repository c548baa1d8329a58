-- Gate features: how many feature rows the write staged (a write of none is an error).
select count(*) from staging.number_features where staging_id = %(staging_id)s
