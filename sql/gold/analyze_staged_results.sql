-- Fresh planner statistics of the staged performance rows after their COPY (as silver does
-- after staging). The staged results were analyzed inside the stage already
-- (analyze_scored_results.sql, committed with it) and have not changed since: a second ANALYZE
-- of them here re-sampled 10^5 rows for the same statistics. Without results statistics a
-- rerun's archive and delete joins of gold to the staged rows were planned for ~1 staged row
-- and ran as nested loops: 10^4 results compared 10^8 row pairs (84 s).
analyze staging.model_performance
