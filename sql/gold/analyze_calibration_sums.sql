-- Planner statistics of the run's recomputed calibration sums (none on a rerun, every
-- (model, draw) on a first evaluate) before staged_draws.sql and the publish join them.
analyze staging.calibration_sums
