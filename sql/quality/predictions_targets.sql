-- Gate predictions: the distinct target dates audited (checked against the draw schedule).
with audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
)
select distinct target_draw_date from audited order by 1
