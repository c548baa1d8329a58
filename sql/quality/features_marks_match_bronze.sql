-- Gate features / draw markers match bronze: each (draw_date, record_hash) marker of the write
-- (or published in the date range) must be the bronze draw's current hash, or the next
-- incremental run would skip a changed draw.
-- Cost: the bronze draws the markers can meet are read once, by key range (the game's over the
-- markers' dates, and any other game a damaged marker names), and met in one hash join: a
-- write's 10^4 index probes into bronze.draws cost twice as much (10 games in bronze).
with marks as (
    select game, draw_date, record_hash from staging.feature_draws
    where staging_id = %(staging_id)s
    union all
    select game, draw_date, record_hash from silver.feature_draws
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), bronze as materialized (  -- every bronze row a marker can meet (materialized: not probed per row)
    select game, draw_date, record_hash from bronze.draws
    where game = %(game)s  -- the markers' dates only (an incremental write has a few)
      and draw_date between (select min(draw_date) from marks)
                        and (select max(draw_date) from marks)
    union all
    select b.game, b.draw_date, b.record_hash
    from (select distinct game from marks where game <> %(game)s) g
    join bronze.draws b on b.game = g.game
)
select count(*) over () as violations, m.draw_date, m.record_hash, b.record_hash as bronze_hash
from marks m
left join bronze b on b.game = m.game and b.draw_date = m.draw_date
where b.record_hash is distinct from m.record_hash
order by m.draw_date
limit 5
