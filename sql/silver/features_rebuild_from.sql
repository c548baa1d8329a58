-- Where an incremental features run starts: the earliest bronze draw of the game that the
-- published features do not reflect (new, or revised since: another record_hash). Null when
-- the features are up to date. Every draw on or after it is rebuilt (their windows include it).
select min(b.draw_date)
from bronze.draws b
left join silver.feature_draws f on f.game = b.game and f.draw_date = b.draw_date
where b.game = %(game)s and f.record_hash is distinct from b.record_hash
