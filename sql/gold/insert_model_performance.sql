-- Publish the staged performance of one game, after delete_model_performance.sql in the same
-- transaction: the game's rows are replaced as a whole (a window or model without results
-- disappears). Values are deterministic, so re-evaluating unchanged inputs writes the same rows.
insert into gold.model_performance
select model_name, game, era, window_name, window_start, window_end, n_draws, n_predictions,
       tickets_per_draw_max, total_white_matches, mean_white_matches, expected_white_matches,
       mean_white_matches_ci_low, mean_white_matches_ci_high, special_hits, special_hit_rate,
       expected_special_hit_rate, special_hit_rate_ci_low, special_hit_rate_ci_high,
       any_prize_hits, any_prize_rate, expected_any_prize_rate, any_prize_rate_ci_low,
       any_prize_rate_ci_high, jackpot_hits, expected_jackpot_hits, ticket_price_usd,
       return_per_play, expected_return_per_play, return_per_play_ci_low,
       return_per_play_ci_high, p_value, p_value_adjusted, p_value_method, p_value_special,
       p_value_special_adjusted, p_value_any_prize, p_value_any_prize_adjusted,
       p_value_any_prize_method, n_models_compared, calibration_n_draws, white_log_loss,
       white_log_loss_uniform, white_brier, white_brier_uniform, special_log_loss,
       special_log_loss_uniform, special_brier, special_brier_uniform, log_loss_p_value,
       config_id, config, first_target_draw, last_target_draw, family_size,
       log_loss_p_value_adjusted, split_date, explore_n_draws, explore_p_value, selected,
       confirm_n_draws, confirm_p_value, confirm_p_value_adjusted, confirm_family_size, verdict,
       verdict_reason
from staging.model_performance
where staging_id = %(staging_id)s
