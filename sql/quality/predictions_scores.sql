-- Gate predictions / scores are per-number probabilities: for every audited (model, target) and
-- ball type, each valid number of the target's era scored once, each score in [0, 1], and the
-- scores summing to the numbers drawn (5 whites, 1 special ball) within 1e-6.
with eras as (
    select * from unnest(%(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
                         %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[])
        as e(era_start, era_end, white_min, white_max, special_min, special_max)
), sets as (
    select distinct model_name, target_draw_date from staging.predictions
    where staging_id = %(staging_id)s
    union
    select distinct model_name, target_draw_date from silver.predictions
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
), expected as (
    select s.model_name, s.target_draw_date, b.ball_type, b.lo, b.hi, b.picks
    from sets s
    join eras e on s.target_draw_date >= e.era_start
               and (e.era_end is null or s.target_draw_date < e.era_end)
    cross join lateral (values ('white', e.white_min, e.white_max, 5),
                               ('special', e.special_min, e.special_max, 1)) b(ball_type, lo, hi, picks)
), scored as (
    select model_name, target_draw_date, ball_type, count(*) as numbers,
           count(distinct number) as distinct_numbers, min(number) as low, max(number) as high,
           sum(score) as total, min(score) as min_score, max(score) as max_score
    from (select model_name, target_draw_date, ball_type, number, score
          from staging.prediction_scores where staging_id = %(staging_id)s
          union all
          select model_name, target_draw_date, ball_type, number, score
          from silver.prediction_scores
          where %(published)s and game = %(game)s
            and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                                     and coalesce(%(date_to)s::date, 'infinity')) s
    group by model_name, target_draw_date, ball_type
)
select count(*) over () as violations, model_name, target_draw_date, ball_type,
       x.hi - x.lo + 1 as valid_numbers, s.numbers, s.total, s.min_score, s.max_score
from expected x
full join scored s using (model_name, target_draw_date, ball_type)
where x.lo is null or s.numbers is null
   or s.numbers <> x.hi - x.lo + 1 or s.distinct_numbers <> s.numbers
   or s.low <> x.lo or s.high <> x.hi
   or s.min_score < 0 or s.max_score > 1 or abs(s.total - x.picks) > 1e-6
order by model_name, target_draw_date, ball_type
limit 5
