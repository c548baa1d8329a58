-- purpose: one game's gold.leaderboard rows, newest era first, best evidence first within it
-- (printed at the end of a local run).
select * from gold.leaderboard where game = %(game)s
order by era desc, evidence_rank, model_name
limit %(limit)s;
