-- The staged draws with the rules of each row's draw date, for the bronze suite's GX
-- expectations (a GX query asset; GX selects one batch by binding batch_id).
-- The rule_* placeholders are CASE expressions over draw_date built from games.toml by bronze/ingest.py
-- (quoted literals); the weekdays placeholder is the Mon..Sun name array. A missing rule (a date before the
-- first era or schedule) shows as 'None' in the composite columns, as the frame path does.
-- The weekday is integer arithmetic on the day number (2000-01-03 was a Monday): extract()
-- returns numeric and cost more than the rest of a row's rules.
select s.batch_id, s.line_no, s.game, s.draw_date, s.white_1, s.white_2, s.white_3, s.white_4,
       s.white_5, s.special_ball, s.multiplier, s.era,
       {rule_era} as rule_era,
       {rule_white_min} as rule_white_min, {rule_white_max} as rule_white_max,
       {rule_special_min} as rule_special_min, {rule_special_max} as rule_special_max,
       {rule_schedule} as rule_schedule,
       ({weekdays}::text[])[((s.draw_date - date '2000-01-03') % 7 + 7) % 7 + 1] as weekday,
       case when s.multiplier is not null
            then coalesce({rule_era}, 'None') || ':' || s.multiplier end as era_multiplier,
       coalesce({rule_schedule}, 'None') || ':'
           || ({weekdays}::text[])[((s.draw_date - date '2000-01-03') % 7 + 7) % 7 + 1]
           as schedule_weekday
from staging.draws s
