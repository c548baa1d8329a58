-- Fresh planner statistics after the bulk COPY into staging (as silver does after staging).
-- Without them a rerun's archive and delete joins of gold to the staged rows were planned for
-- ~1 staged row and ran as nested loops: 10^4 results compared 10^8 row pairs (84 s).
analyze staging.prediction_results, staging.model_performance
