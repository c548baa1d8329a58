-- Gold's staging tables hold one evaluate's rows between the stage and the publish (10^5 results
-- a game, written and deleted on every evaluate, a rerun included): skip the WAL for them, as
-- silver's (0103). After a server crash they come back empty, which only loses rows kept for
-- inspection after a failed gate; a client killed mid-run leaves them as before.
alter table staging.prediction_results set unlogged;
alter table staging.model_performance set unlogged;
alter table staging.verdict_summary set unlogged;
