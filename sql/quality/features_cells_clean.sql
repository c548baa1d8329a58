-- Gate features / the verdict of two audits in one pass over the audited rows (one staged
-- write, or the published rows of a date range). One row:
-- cells_clean: features_cells_vs_recount.sql would report nothing (every valid number of the
--   era once per draw from the first audited draw on, every statistic equal to an independent
--   recount from bronze.draws), given distinct cells: the caller's summary expectation
--   numbers = distinct_numbers per (draw, ball type) (features.DISTINCT_NUMBERS).
-- dated_clean: features_dated_before_draw.sql would report nothing (as_of_draw_date the bronze
--   draw just before the row's; false also where that previous draw is not in this query's
--   draws, e.g. a write starting at an epoch's first draw: the audit then runs).
-- covered: features_cover_draws.sql would report nothing, given clean distinct cells (every
--   bronze draw of the span then has rows, when it has a valid number): also every draw
--   marker of the write on a draw of the span (or on the game's first draw, exempt).
-- audited_rows: how many rows are audited (each meets at most one draw-and-ball row, as the
--   eras do not overlap, and one positions row), so the gate needs no count query of its own.
-- Where a verdict is false the gate runs that audit, for the violations and their samples.
-- Why cheaper: no cell grid is generated, sorted or joined. Per ball type, number and range
-- epoch, the positions (rn: place in the epoch) of the bronze draws that drew it, ascending
-- (~6 per draw). Each audited row meets its draw (hash joins on ~10^4 draws) and its number's
-- positions, and its statistics are checked in O(1) against them: hits_era = e exactly when
-- at[e] < rn <= at[e + 1] (positions strictly increase); hits_w = v exactly when at[e - v] <
-- rn - w <= at[e - v + 1]; draws_since_seen and seen_in_era follow from at[e]. A null fails
-- a check (coalesce(..., false)); bounds are checked first so subscripts stay small.
-- The cells themselves: each names a bronze draw of the span, a known ball type and a number
-- in its era's range, and there are as many as the span's draws have valid numbers: distinct
-- cells of the expected set, as many as it holds, are the set itself.
with eras as (
    select * from staging.game_eras(
        %(era_name)s::text[], %(era_start)s::date[], %(era_end)s::date[], %(white_min)s::int[],
        %(white_max)s::int[], %(special_min)s::int[], %(special_max)s::int[],
        %(white_epoch)s::date[], %(special_epoch)s::date[]) e
), audited as (
    select draw_date, ball_type, number, history_from, as_of_draw_date, era_draws_before,
           hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era
    from staging.number_features where staging_id = %(staging_id)s
    union all
    select draw_date, ball_type, number, history_from, as_of_draw_date, era_draws_before,
           hits_10, hits_25, hits_50, hits_100, hits_era, draws_since_seen, seen_in_era
    from silver.number_features
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), audited_span as (  -- from the indexes (min/max), not a pass over the rows
    select min(first_day) as first_day, max(last_day) as last_day
    from (select min(draw_date) as first_day, max(draw_date) as last_day
          from staging.number_features where staging_id = %(staging_id)s
          union all
          select min(draw_date), max(draw_date)
          from silver.number_features
          where %(published)s and game = %(game)s
            and draw_date between coalesce(%(date_from)s::date, '-infinity')
                              and coalesce(%(date_to)s::date, 'infinity')) s
), span_epoch as (  -- epochs only move forward: the first audited draw's are the earliest
    select least(e.white_epoch, e.special_epoch) as first_day
    from eras e, audited_span s
    where s.first_day >= e.era_start and (e.era_end is null or s.first_day < e.era_end)
), draws as (  -- rn: the draw's position in each ball's epoch
    select b.draw_date, array[b.white_1, b.white_2, b.white_3, b.white_4, b.white_5] as whites,
           b.special_ball, e.*,
           row_number() over (partition by e.white_epoch order by b.draw_date) as white_rn,
           row_number() over (partition by e.special_epoch order by b.draw_date) as special_rn,
           lag(b.draw_date) over (order by b.draw_date) as previous_draw
    from bronze.draws b
    join eras e on b.draw_date >= e.era_start and (e.era_end is null or b.draw_date < e.era_end)
    where b.game = %(game)s and b.draw_date <= (select last_day from audited_span)
      and b.draw_date >= (select first_day from span_epoch)
), per_ball as (  -- ball 0 = white, 1 = special
    select d.draw_date, d.previous_draw, d.whites, d.special_ball, c.*
    from draws d
    cross join lateral (values (0, d.white_min, d.white_max, d.white_epoch, d.white_rn),
                               (1, d.special_min, d.special_max, d.special_epoch, d.special_rn))
        c(ball, lo, hi, epoch, rn)
), expected as (  -- the cells the audited span must hold: each draw's two ranges (from the
                  -- draws: half per_ball's rows)
    select coalesce(sum(greatest(white_max - white_min + 1, 0)
                        + greatest(special_max - special_min + 1, 0)), 0) as cells,
           bool_and(white_max >= white_min or special_max >= special_min) as draws_have_cells
    from draws where draw_date >= (select first_day from audited_span)
), marks as (  -- the write's draw markers (or the published ones of the range)
    select draw_date from staging.feature_draws where staging_id = %(staging_id)s
    union all
    select draw_date from silver.feature_draws
    where %(published)s and game = %(game)s
      and draw_date between coalesce(%(date_from)s::date, '-infinity')
                        and coalesce(%(date_to)s::date, 'infinity')
), stray_marks as (  -- markers on no bronze draw of the span, after the game's first draw
    select count(*) as marks from marks m
    where m.draw_date not in (select draw_date from draws
                              where draw_date >= (select first_day from audited_span))
      and m.draw_date > (select min(draw_date) from bronze.draws where game = %(game)s)
), hits as (  -- positions (rn) of the draws of a number's epoch that drew it, ascending
    select ball, number, epoch, array_agg(distinct rn::int order by rn::int) as at
    from (select 0 as ball, unnest(whites) as number, white_epoch as epoch, white_rn as rn,
                 white_min as lo, white_max as hi
          from draws  -- the draws, not per_ball: half the rows to read and filter
          union all
          select 1, special_ball, special_epoch, special_rn, special_min, special_max
          from draws) h
    where number between lo and hi
    group by ball, number, epoch
), checked as (  -- bounds first (a CASE: subscripts stay small integers), then positions
    select p.ball is not null and a.number between p.lo and p.hi as valid,
           coalesce(a.as_of_draw_date = p.previous_draw and a.as_of_draw_date < a.draw_date,
                    false) as dated,
           coalesce(case when a.hits_era between 0 and p.rn - 1
                          and a.hits_10 between 0 and a.hits_era
                          and a.hits_25 between 0 and a.hits_era
                          and a.hits_50 between 0 and a.hits_era
                          and a.hits_100 between 0 and a.hits_era then
               a.history_from = p.epoch and a.era_draws_before = p.rn - 1
               -- hits_era: how many of the number's positions lie below rn
               and (a.hits_era = 0 or h.at[a.hits_era] < p.rn)
               and coalesce(h.at[a.hits_era + 1] >= p.rn, true)
               and a.draws_since_seen = p.rn - 1 - coalesce(h.at[a.hits_era], 0)
               and a.seen_in_era = (a.hits_era > 0)
               -- hits_w: hits_era less how many lie below rn - w
               and (a.hits_era = a.hits_10 or h.at[a.hits_era - a.hits_10] < p.rn - 10)
               and coalesce(h.at[a.hits_era - a.hits_10 + 1] >= p.rn - 10, true)
               and (a.hits_era = a.hits_25 or h.at[a.hits_era - a.hits_25] < p.rn - 25)
               and coalesce(h.at[a.hits_era - a.hits_25 + 1] >= p.rn - 25, true)
               and (a.hits_era = a.hits_50 or h.at[a.hits_era - a.hits_50] < p.rn - 50)
               and coalesce(h.at[a.hits_era - a.hits_50 + 1] >= p.rn - 50, true)
               and (a.hits_era = a.hits_100 or h.at[a.hits_era - a.hits_100] < p.rn - 100)
               and coalesce(h.at[a.hits_era - a.hits_100 + 1] >= p.rn - 100, true)
           end, false) as equal
    from audited a
    left join per_ball p
        on p.draw_date = a.draw_date
       and p.ball = case a.ball_type when 'white' then 0 when 'special' then 1 end
    left join hits h on h.ball = p.ball and h.number = a.number and h.epoch = p.epoch
), verdict as (
    select count(*) filter (where not valid) as invalid,
           count(*) filter (where valid and not equal) as wrong, count(*) as cells,
           count(*) filter (where not dated) as undated
    from checked
)
select v.invalid = 0 and v.wrong = 0 and v.cells = x.cells as cells_clean,
       v.undated = 0 as dated_clean,
       -- with clean, distinct cells every bronze draw of the span has rows: cover finds
       -- nothing unless a draw has no valid number or a marker lies outside the draws
       v.invalid = 0 and v.cells = x.cells and coalesce(x.draws_have_cells, true)
           and m.marks = 0 as covered,
       v.cells as audited_rows
from verdict v, expected x, stray_marks m
