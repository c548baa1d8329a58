-- show / report: the leaderboard's rows that people read first, newest era first, best
-- evidence first within it (grain: one (era, model_name, config_id), all-time window).
select era, model_name, config_id, n_draws, n_predictions,
       mean_white_matches, expected_white_matches,
       mean_white_matches_ci_low, mean_white_matches_ci_high,
       p_value, p_value_adjusted, family_size, verdict, verdict_reason, evidence_rank,
       first_target_draw, last_target_draw
from gold.leaderboard
where game = %(game)s
order by era desc, evidence_rank, model_name, config_id
limit %(limit)s
