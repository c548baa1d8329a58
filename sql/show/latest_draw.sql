-- show/freshness: the latest draw of one game in bronze and how many draws bronze holds.
-- Grain: one row (nulls and 0 when bronze has no draw of the game).
select max(draw_date) as latest_draw, count(*) as n_draws
from bronze.draws
where game = %(game)s
