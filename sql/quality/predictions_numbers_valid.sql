-- Gate predictions / valid distinct numbers for the target's era: audited tickets whose whites
-- are not five distinct ascending numbers in the era's white range, whose special ball is
-- outside the era's range, or whose era is not the target's era (eras from the game definition).
with eras as (
    select * from staging.game_eras(
        %(era_name)s::text[], %(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
        %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
        %(white_epoch)s::date[], %(special_epoch)s::date[]) e
), audited as (
    select * from staging.audited_predictions(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text, %(date_from)s::date,
                                              %(date_to)s::date)
)
select count(*) over () as violations, p.model_name, p.target_draw_date, p.ticket,
       array[p.white_1, p.white_2, p.white_3, p.white_4, p.white_5] as whites, p.special_ball,
       p.era, e.era_name as target_era
from audited p
left join eras e on p.target_draw_date >= e.era_start
                and (e.era_end is null or p.target_draw_date < e.era_end)
where e.era_name is null or p.era is distinct from e.era_name
   or not (p.white_1 < p.white_2 and p.white_2 < p.white_3 and p.white_3 < p.white_4
           and p.white_4 < p.white_5)
   or p.white_1 < e.white_min or p.white_5 > e.white_max
   or p.special_ball < e.special_min or p.special_ball > e.special_max
order by p.model_name, p.target_draw_date, p.ticket
limit 5
