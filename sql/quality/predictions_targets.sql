-- Gate predictions: the distinct target dates a write staged (checked against the draw schedule).
select distinct target_draw_date from staging.predictions where staging_id = %(staging_id)s
order by 1
