-- Gate predictions: how many tickets the write staged (a write of none is an error).
select count(*) from staging.predictions where staging_id = %(staging_id)s
