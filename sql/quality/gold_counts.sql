-- Gold gate audit, one row: predictions of the game with a known draw (targets in the date
-- range), audited results, audited keys that are not distinct, and all-time performance
-- n_predictions summed over eras. Distinct keys are counted by a hashed DISTINCT (count of
-- distinct row values sorted every audited key).
with audited as (
    select * from staging.audited_results(%(staging_id)s::uuid, %(published)s::boolean,
                                          %(game)s::text, %(date_from)s::date, %(date_to)s::date)
), performance as (
    select * from staging.audited_performance(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text)
)
select (select count(*) from silver.predictions p
        join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
        where p.game = %(game)s
          and p.target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                                     and coalesce(%(date_to)s::date, 'infinity'))
           as predictions_scorable,
       (select count(*) from audited) as staged_results,
       (select count(*) from audited)
       - (select count(*) from (select distinct model_name, target_draw_date, ticket
                                from audited) k) as duplicate_keys,
       (select coalesce(sum(n_predictions), 0) from performance
        where window_name = 'all_time') as performance_n
