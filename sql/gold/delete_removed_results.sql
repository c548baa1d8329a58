-- Drop published results whose prediction or draw no longer exists (already archived).
delete from gold.prediction_results g
where g.game = %(game)s
  and not exists (select 1 from staging.prediction_results s
                  where s.staging_id = %(staging_id)s and s.model_name = g.model_name
                    and s.game = g.game and s.target_draw_date = g.target_draw_date
                    and s.ticket = g.ticket)
