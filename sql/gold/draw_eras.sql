-- The rule eras the game's draws in bronze carry: each must be in the game file before the
-- predictions are scored against its prize chart (an unknown era is an error, not a null).
select distinct era from bronze.draws where game = %(game)s
