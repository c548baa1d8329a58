-- Gold gate audit: audited results (one staged evaluate, or the published ones of a date range)
-- whose numbers, era, draw hash or match counts differ from an independent recount in SQL from
-- silver.predictions and bronze.draws (violating rows).
with audited as (
    select * from staging.audited_results(%(staging_id)s::uuid, %(published)s::boolean,
                                          %(game)s::text, %(date_from)s::date, %(date_to)s::date)
), recount as (
    select p.model_name, p.target_draw_date, p.ticket, p.era as prediction_era,
           d.era as draw_era, d.record_hash,
           array[p.white_1, p.white_2, p.white_3, p.white_4, p.white_5] as picked,
           p.special_ball,
           -- each of the five picked whites counts 1 if it is among the drawn ones, a null
           -- 0 (what a count over unnest(picked) gave): a sum of five comparisons instead of
           -- a subquery per result (the recount 0.38 -> 0.28 s at 10^5)
           (coalesce(p.white_1 in (d.white_1, d.white_2, d.white_3, d.white_4,
                                  d.white_5), false)::int
            + coalesce(p.white_2 in (d.white_1, d.white_2, d.white_3, d.white_4,
                                  d.white_5), false)::int
            + coalesce(p.white_3 in (d.white_1, d.white_2, d.white_3, d.white_4,
                                  d.white_5), false)::int
            + coalesce(p.white_4 in (d.white_1, d.white_2, d.white_3, d.white_4,
                                  d.white_5), false)::int
            + coalesce(p.white_5 in (d.white_1, d.white_2, d.white_3, d.white_4,
                                  d.white_5), false)::int)::int8 as whites,
           p.special_ball = d.special_ball as special
    from silver.predictions p
    join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
    where p.game = %(game)s
)
select s.model_name, s.target_draw_date, s.ticket, s.white_matches, r.whites,
       s.special_match, r.special, s.era, r.prediction_era, r.draw_era
from audited s
join recount r on r.model_name = s.model_name and r.target_draw_date = s.target_draw_date
              and r.ticket = s.ticket
where (s.white_matches <> r.whites or s.special_match <> r.special
       or s.era <> r.draw_era or r.prediction_era <> r.draw_era
       or s.draw_record_hash <> r.record_hash
       or array[s.white_1, s.white_2, s.white_3, s.white_4, s.white_5] <> r.picked
       or s.special_ball <> r.special_ball)
order by s.model_name, s.target_draw_date, s.ticket
