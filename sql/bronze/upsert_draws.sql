-- Publish a staged batch into bronze.draws (key: game, draw_date). Identical draws are left
-- as they are (their batch_id keeps pointing at the batch that first loaded them).
insert into bronze.draws as d (game, draw_date, white_1, white_2, white_3, white_4, white_5,
    special_ball, multiplier, white_order_source, era, source, batch_id, record_hash)
select game, draw_date, white_1, white_2, white_3, white_4, white_5,
       special_ball, multiplier, white_order_source, era, source, batch_id, record_hash
from staging.draws s
where batch_id = %(batch_id)s
  -- identical draws are skipped before the upsert: ON CONFLICT would lock (and so write) each
  -- of them even though its WHERE leaves it unchanged, making a rerun slower than a first load
  and not exists (select 1 from bronze.draws p
                  where p.game = s.game and p.game = %(game)s and p.draw_date = s.draw_date
                    and p.record_hash = s.record_hash)
on conflict (game, draw_date) do update
set white_1 = excluded.white_1, white_2 = excluded.white_2, white_3 = excluded.white_3,
    white_4 = excluded.white_4, white_5 = excluded.white_5,
    special_ball = excluded.special_ball, multiplier = excluded.multiplier,
    white_order_source = excluded.white_order_source, era = excluded.era,
    source = excluded.source, batch_id = excluded.batch_id,
    record_hash = excluded.record_hash, updated_at = now()
where d.record_hash <> excluded.record_hash
