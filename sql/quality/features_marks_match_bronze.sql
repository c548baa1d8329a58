-- Gate features / draw markers match bronze: each staged (draw_date, record_hash) marker must be
-- the bronze draw's current hash, or the next incremental run would skip a changed draw.
select count(*) over () as violations, m.draw_date, m.record_hash, b.record_hash as bronze_hash
from staging.feature_draws m
left join bronze.draws b on b.game = m.game and b.draw_date = m.draw_date
where m.staging_id = %(staging_id)s and b.record_hash is distinct from m.record_hash
order by m.draw_date
limit 5
