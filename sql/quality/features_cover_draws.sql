-- Gate features / every bronze draw of the audited span has features: bronze draws between the
-- first and last audited dates (and every draw marker of the write or of the published range)
-- with no audited rows. The game's first bronze draw is exempt: nothing is known before it.
with audited as (
    select distinct draw_date from staging.number_features where staging_id = %(staging_id)s
    union
    select distinct draw_date from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), span as (
    select draw_date from bronze.draws
    where game = %(game)s
      and draw_date between (select min(draw_date) from audited)
                        and (select max(draw_date) from audited)
    union
    select draw_date from staging.feature_draws where staging_id = %(staging_id)s
    union
    select draw_date from silver.feature_draws
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
)
select count(*) over () as violations, span.draw_date
from span
where span.draw_date not in (select draw_date from audited)
  and span.draw_date > (select min(draw_date) from bronze.draws where game = %(game)s)
order by span.draw_date
limit 5
