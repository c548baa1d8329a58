-- Counts of a staged batch against published bronze: new, identical, changed draws.
select count(*) filter (where d.draw_date is null)                       as inserted,
       count(*) filter (where d.record_hash = s.record_hash)             as unchanged,
       count(*) filter (where d.record_hash <> s.record_hash)            as revised
from staging.draws s
left join bronze.draws d on d.game = s.game and d.draw_date = s.draw_date
    -- the game's own key range: stale statistics cannot turn this into a scan of all games
    and d.game = %(game)s
where s.batch_id = %(batch_id)s
