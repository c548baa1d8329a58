-- Gate features / draw markers match bronze: each (draw_date, record_hash) marker of the write
-- (or published in the date range) must be the bronze draw's current hash, or the next
-- incremental run would skip a changed draw.
with marks as (
    select game, draw_date, record_hash from staging.feature_draws
    where staging_id = %(staging_id)s
    union all
    select game, draw_date, record_hash from silver.feature_draws
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
)
select count(*) over () as violations, m.draw_date, m.record_hash, b.record_hash as bronze_hash
from marks m
left join bronze.draws b on b.game = m.game and b.draw_date = m.draw_date
where b.record_hash is distinct from m.record_hash
order by m.draw_date
limit 5
