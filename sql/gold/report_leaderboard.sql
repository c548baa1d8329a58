-- Report: every column of one game's leaderboard, newest era first, best evidence first
-- (grain: one (era, model_name, config_id), all-time window). The report shows a short table
-- and folds these full columns below it.
select *
from gold.leaderboard
where game = %(game)s
order by era desc, evidence_rank, model_name, config_id
