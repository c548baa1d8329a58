-- Planner statistics of the run's staged results, taken inside the stage (ANALYZE runs in a
-- transaction) before calibration joins them: planned for the ~1 staged row the empty table's
-- statistics show, stage_calibration_sums.sql probed the scores' index once per (model, draw)
-- and the stored sums once per result in nested loops (a first evaluate of 10^5 results:
-- 77-83 s, against 9-13 s for reading every score with a hash join).
analyze staging.prediction_results
