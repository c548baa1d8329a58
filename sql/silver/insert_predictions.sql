-- Publish step 3: the staged write's tickets.
insert into silver.predictions (model_name, model_run_id, game, target_draw_date, ticket,
    white_1, white_2, white_3, white_4, white_5, special_ball, era, created_at)
select model_name, model_run_id, game, target_draw_date, ticket,
       white_1, white_2, white_3, white_4, white_5, special_ball, era, created_at
from staging.predictions
where staging_id = %(staging_id)s
