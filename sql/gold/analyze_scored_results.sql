-- Planner statistics of the run's staged results, taken inside the stage (ANALYZE runs in a
-- transaction) before calibration joins them: planned for the ~1 staged row the empty table's
-- statistics show, stage_calibration_sums.sql probed the scores' index once per (model, draw)
-- and the stored sums once per result in nested loops (a first evaluate of 10^5 results:
-- 77-83 s, against 9-13 s for reading every score with a hash join). The row count is what
-- those plans needed; of the columns, only those the stage, gate and publish filter, join or
-- group on (a column list also refreshes the row count, and other columns keep their last
-- statistics): 0.18-0.19 s instead of 0.32-0.33 s for all twenty at 10^5.
analyze staging.prediction_results (staging_id, game, model_name, target_draw_date, ticket,
                                    model_run_id, draw_record_hash, era)
