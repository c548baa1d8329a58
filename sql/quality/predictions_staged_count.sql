-- Gate predictions: how many tickets are audited (one staged write, or the published
-- predictions of a date range); none is an error.
with audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
)
select count(*) from audited
