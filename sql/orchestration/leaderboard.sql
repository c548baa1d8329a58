-- purpose: one game's gold.leaderboard rows, as the view sorts them (printed at the end of a run).
select * from gold.leaderboard where game = %(game)s limit %(limit)s;
