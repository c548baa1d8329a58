-- Gate predictions: the distinct target dates audited (checked against the draw schedule).
with audited as (
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from staging.predictions where staging_id = %(staging_id)s
    union all
    select model_name, model_run_id, game, target_draw_date, ticket, white_1, white_2, white_3,
           white_4, white_5, special_ball, era
    from silver.predictions
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
)
select distinct target_draw_date from audited order by 1
