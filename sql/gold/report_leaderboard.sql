-- Report: the leaderboard of one game (grain: era and model, all-time window).
select era, model_name, n_draws, n_predictions, mean_white_matches, expected_white_matches,
       mean_white_matches_ci_low, mean_white_matches_ci_high, special_hit_rate,
       expected_special_hit_rate, any_prize_rate, expected_any_prize_rate, return_per_play,
       expected_return_per_play, p_value, p_value_adjusted, verdict
from gold.leaderboard
where game = %(game)s
