-- How many predictions of one game still wait for their draw to land in bronze.
select count(*)
from silver.predictions p
where p.game = %(game)s
  and not exists (select 1 from bronze.draws d
                  where d.game = p.game and d.draw_date = p.target_draw_date)
