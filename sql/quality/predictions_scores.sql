-- Gate predictions / scores are per-number probabilities: for every audited (model, target) and
-- ball type, each valid number of the target's era scored once, each score in [0, 1], and the
-- scores summing to the numbers drawn (5 whites, 1 special ball) within 1e-6.
-- A staged write holds one score list per (model, target, ball type): numbers first_number,
-- first_number + 1, ... (so distinct within the list); published scores are one row per number.
-- Each source gives one part per (model, target, ball type); a key with more than one part
-- (never written by the store) has its numbers counted one by one.
with eras as (
    select * from staging.game_eras(
        %(era_name)s::text[], %(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
        %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
        %(white_epoch)s::date[], %(special_epoch)s::date[]) e
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
), staged as (
    select * from staging.prediction_scores where staging_id = %(staging_id)s
), parts as (
    select s.model_name, s.target_draw_date, s.ball_type, cardinality(s.scores) as numbers,
           cardinality(s.scores) as distinct_numbers, s.first_number as low,
           s.first_number + cardinality(s.scores) - 1 as high, v.total, v.min_score,
           v.max_score, v.null_scores
    from staged s
    cross join lateral (select sum(x) as total, min(x) as min_score, max(x) as max_score,
                               count(*) - count(x) as null_scores
                        from unnest(s.scores) x) v
    union all
    select model_name, target_draw_date, ball_type, count(*), count(distinct number),
           min(number), max(number), sum(score), min(score), max(score), 0
    from silver.prediction_scores
    where %(published)s and game = %(game)s
      and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                               and coalesce(%(date_to)s::date, 'infinity')
    group by model_name, target_draw_date, ball_type
), keyed as (
    select model_name, target_draw_date, ball_type, count(*) as parts, sum(numbers) as numbers,
           sum(distinct_numbers) as distinct_numbers, min(low) as low, max(high) as high,
           sum(total) as total, min(min_score) as min_score, max(max_score) as max_score,
           sum(null_scores) as null_scores
    from parts
    group by model_name, target_draw_date, ball_type
), repeated_keys as (
    select model_name, target_draw_date, ball_type from keyed where parts > 1
), repeated as (
    select model_name, target_draw_date, ball_type, count(distinct number) as distinct_numbers
    from (select s.model_name, s.target_draw_date, s.ball_type,
                 s.first_number + u.position - 1 as number
          from (select * from staged
                where (model_name, target_draw_date, ball_type) in (select * from repeated_keys)
                offset 0) s
          cross join lateral unnest(s.scores) with ordinality as u(score, position)
          union all
          select model_name, target_draw_date, ball_type, number from silver.prediction_scores
          where %(published)s and game = %(game)s
            and target_draw_date between coalesce(%(date_from)s::date, '-infinity')
                                     and coalesce(%(date_to)s::date, 'infinity')
            and (model_name, target_draw_date, ball_type) in (select * from repeated_keys)) n
    group by model_name, target_draw_date, ball_type
), scored as (
    select k.model_name, k.target_draw_date, k.ball_type, k.numbers,
           coalesce(r.distinct_numbers, k.distinct_numbers) as distinct_numbers, k.low, k.high,
           k.total, k.min_score, k.max_score, k.null_scores
    from keyed k left join repeated r using (model_name, target_draw_date, ball_type)
)
select count(*) over () as violations, model_name, target_draw_date, ball_type,
       x.hi - x.lo + 1 as valid_numbers, s.numbers, s.total, s.min_score, s.max_score
from expected x
full join scored s using (model_name, target_draw_date, ball_type)
where x.lo is null or s.numbers is null
   or s.numbers <> x.hi - x.lo + 1 or s.distinct_numbers <> s.numbers
   or s.low <> x.lo or s.high <> x.hi or s.null_scores > 0
   or s.min_score < 0 or s.max_score > 1 or abs(s.total - x.picks) > 1e-6
order by model_name, target_draw_date, ball_type
limit 5
