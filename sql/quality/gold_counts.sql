-- Gold gate audit, one row: predictions of the game with a known draw, staged results, staged
-- keys that are not distinct, and all-time performance n_predictions summed over eras.
select (select count(*) from silver.predictions p
        join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
        where p.game = %(game)s) as predictions_scorable,
       (select count(*) from staging.prediction_results
        where staging_id = %(staging_id)s and game = %(game)s) as staged_results,
       (select count(*) - count(distinct (model_name, target_draw_date, ticket))
        from staging.prediction_results where staging_id = %(staging_id)s) as duplicate_keys,
       (select coalesce(sum(n_predictions), 0) from staging.model_performance
        where staging_id = %(staging_id)s and window_name = 'all_time') as performance_n
