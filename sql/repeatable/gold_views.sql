-- Views of gold for people (re-applied by `migrate` whenever this file changes). Each view's
-- grain is in its comment. They read gold tables (and silver.predictions for pending tickets)
-- with the owner's rights, so gold_reader needs only gold.

-- gold.leaderboard: grain one row per (game, era, model_name, config_id), all-time window,
-- sorted by evidence. verdict (docs/gold.md, "The verdict protocol") is one of 'beats random'
-- (confirmed on later draws than those that chose it), 'unconfirmed lead' (exploratory p below
-- 0.05 after adjustment over every test gold stores for the game, family_size of them, not
-- confirmed), 'inconclusive' (the random control itself reached the lead threshold) or
-- 'no evidence'; verdict_reason says why in words. The view drops (and re-creates) itself so
-- that new columns can stand beside the old ones.
drop view if exists gold.leaderboard;
create view gold.leaderboard as
select m.game, m.era, m.model_name, m.n_draws, m.n_predictions,
       m.mean_white_matches, m.expected_white_matches,
       m.mean_white_matches / nullif(m.expected_white_matches, 0) as white_lift,
       m.mean_white_matches_ci_low, m.mean_white_matches_ci_high,
       m.special_hit_rate, m.expected_special_hit_rate,
       m.any_prize_rate, m.expected_any_prize_rate,
       m.return_per_play, m.expected_return_per_play, m.ticket_price_usd, m.jackpot_hits,
       m.p_value, m.p_value_adjusted, m.n_models_compared,
       m.p_value_special_adjusted, m.p_value_any_prize_adjusted,
       m.white_log_loss, m.white_log_loss_uniform,
       m.verdict,
       rank() over (partition by m.game, m.era
                    order by m.p_value_adjusted, m.p_value, m.n_predictions desc) as evidence_rank,
       m.family_size, m.verdict_reason, m.config_id, m.config,
       m.first_target_draw, m.last_target_draw,
       m.split_date, m.explore_n_draws, m.explore_p_value, m.selected,
       m.confirm_n_draws, m.confirm_p_value, m.confirm_p_value_adjusted, m.confirm_family_size
from gold.model_performance m
where m.window_name = 'all_time'
order by m.game, m.era desc, m.p_value_adjusted, m.p_value, m.n_predictions desc,
         m.model_name, m.config_id;
comment on view gold.leaderboard is
    'One row per (game, era, model_name, config_id), all-time window, sorted by evidence.';

-- gold.latest_predictions: grain one row per (game, model_name, ticket) for each model's most
-- recent target draw; result columns are null while that draw is pending.
create or replace view gold.latest_predictions as
with latest as (
    select game, model_name, max(target_draw_date) as target_draw_date
    from silver.predictions
    group by game, model_name
)
select p.game, p.model_name, p.target_draw_date, p.ticket, p.era,
       p.white_1, p.white_2, p.white_3, p.white_4, p.white_5, p.special_ball,
       p.model_run_id, p.created_at as predicted_at,
       r.target_draw_date is null as pending,
       r.white_matches, r.special_match, r.prize_tier, r.prize_usd, r.is_jackpot
from silver.predictions p
join latest l on l.game = p.game and l.model_name = p.model_name
             and l.target_draw_date = p.target_draw_date
left join gold.prediction_results r
       on r.model_name = p.model_name and r.game = p.game
      and r.target_draw_date = p.target_draw_date and r.ticket = p.ticket
order by p.game, p.model_name, p.ticket;
comment on view gold.latest_predictions is
    'One row per (game, model_name, ticket) of each model''s latest target draw.';

-- gold.number_frequency: grain one row per (game, era, ball_type, number valid in the era):
-- observed count in bronze vs the uniform expectation, with the era's chi-square test of
-- uniformity (the same test values on every number of that era and ball type).
create or replace view gold.number_frequency as
select c.game, c.era, c.ball_type, c.number, c.observed, c.expected,
       c.observed - c.expected as deviation,
       t.n_draws, t.chi_square_scaled as era_chi_square, t.df as era_df,
       t.p_value as era_p_value
from gold.number_counts c
join gold.number_frequency_tests t
  on t.game = c.game and t.era = c.era and t.ball_type = c.ball_type
order by c.game, c.era, c.ball_type, c.number;
comment on view gold.number_frequency is
    'One row per (game, era, ball_type, number): observed vs expected, chi-square per era.';

-- Views replaced above keep their grants; new ones get them here.
grant usage on schema gold to gold_reader;
grant select on all tables in schema gold to gold_reader;
