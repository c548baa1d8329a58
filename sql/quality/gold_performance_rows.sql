-- Gold gate: the audited performance rows' baselines, p-values and verdicts, checked in Python.
with performance as (
    select * from staging.audited_performance(%(staging_id)s::uuid, %(published)s::boolean,
                                              %(game)s::text)
)
select model_name, era, window_name, expected_white_matches, expected_special_hit_rate,
       expected_any_prize_rate, p_value, p_value_adjusted, n_predictions, n_draws,
       family_size, verdict
from performance
order by model_name, era, window_name
