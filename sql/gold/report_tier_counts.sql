-- Report: per model and era, observed winning tickets per prize tier beside the count a random
-- ticket would give (tickets * the tier's exact probability). Grain: (model, era, prize_tier).
with plays as (
    select model_name, era, count(*) as tickets
    from gold.prediction_results
    where game = %(game)s
    group by model_name, era
)
select p.model_name, p.era, t.prize_tier, t.odds_1_in,
       (select count(*) from gold.prediction_results r
        where r.game = %(game)s and r.model_name = p.model_name and r.era = p.era
          and r.prize_tier = t.prize_tier) as observed,
       p.tickets * t.probability as expected
from plays p
join gold.prize_tiers t on t.game = %(game)s and t.era = p.era
where t.prize_tier is not null and t.prize_tier <> 'none'
order by p.era, p.model_name, t.probability
