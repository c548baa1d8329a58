-- Gate features / every bronze draw of the rebuilt span has features: bronze draws between the
-- first and last staged dates (and every staged draw marker) with no staged rows. The game's
-- first bronze draw is exempt: nothing is known before it.
with staged as (
    select distinct draw_date from staging.number_features where staging_id = %(staging_id)s
), span as (
    select draw_date from bronze.draws
    where game = %(game)s
      and draw_date between (select min(draw_date) from staged) and (select max(draw_date) from staged)
    union
    select draw_date from staging.feature_draws where staging_id = %(staging_id)s
)
select count(*) over () as violations, span.draw_date
from span
where span.draw_date not in (select draw_date from staged)
  and span.draw_date > (select min(draw_date) from bronze.draws where game = %(game)s)
order by span.draw_date
limit 5
