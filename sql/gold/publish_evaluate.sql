-- Publish one evaluate of a game (pipeline/gold/evaluate.py through pipeline/wap.py), in one
-- transaction holding the game's gold lock. Grain: gold.prediction_results one ticket of one
-- model for one known draw, key (model_name, game, target_draw_date, ticket);
-- gold.model_performance one (model_name, game, era, window_name); gold.verdict_summary one row
-- per game; gold.calibration_sums one (model_name, game, target_draw_date); the reference
-- tables (era baselines, prize tiers, number frequencies) per game and era. The run's staged
-- results (staging_id) are merged into the published ones: results it changes or drops are
-- archived first, identical ones are left as they are, so re-evaluating changes nothing; the
-- game's performance, verdict and reference rows are replaced as a whole;
-- calibration sums are replaced only where the run recomputed them and dropped where their
-- result is gone.
-- Steps run top to bottom, each followed by the fault point gold.evaluate.publish.<step>.

-- name: staged
-- What the run staged, checked against what it wrote.
select (select count(*) from staging.prediction_results where staging_id = %(staging_id)s),
       (select count(*) from staging.model_performance where staging_id = %(staging_id)s);

-- name: archived
-- Every published result this run changes or drops goes into the history, with why: the
-- draw was revised (new bronze record_hash), the prediction was replaced (new run or numbers),
-- or the prediction or draw is gone. Unchanged results are not touched.
insert into gold.prediction_results_history (
    model_name, model_run_id, game, target_draw_date, ticket, era,
    white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
    prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash, evaluated_at,
    superseded_reason)
select g.model_name, g.model_run_id, g.game, g.target_draw_date, g.ticket, g.era,
       g.white_1, g.white_2, g.white_3, g.white_4, g.white_5, g.special_ball,
       g.white_matches, g.special_match, g.prize_tier, g.is_jackpot, g.prize_usd,
       g.ticket_price_usd, g.draw_record_hash, g.evaluated_at,
       case when s.model_name is null then 'source_removed'
            when s.draw_record_hash <> g.draw_record_hash then 'draw_revised'
            else 'prediction_replaced' end
from gold.prediction_results g
left join staging.prediction_results s
       on s.staging_id = %(staging_id)s and s.model_name = g.model_name and s.game = g.game
      and s.target_draw_date = g.target_draw_date and s.ticket = g.ticket
where g.game = %(game)s
  and (s.model_name is null
       or (s.model_run_id, s.era, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
           s.special_ball, s.white_matches, s.special_match, s.prize_tier, s.is_jackpot,
           s.prize_usd, s.ticket_price_usd, s.draw_record_hash)
          is distinct from
          (g.model_run_id, g.era, g.white_1, g.white_2, g.white_3, g.white_4, g.white_5,
           g.special_ball, g.white_matches, g.special_match, g.prize_tier, g.is_jackpot,
           g.prize_usd, g.ticket_price_usd, g.draw_record_hash));

-- name: removed
-- Published results whose prediction or draw no longer exists (archived just above).
delete from gold.prediction_results g
where g.game = %(game)s
  and not exists (select 1 from staging.prediction_results s
                  where s.staging_id = %(staging_id)s and s.model_name = g.model_name
                    and s.game = g.game and s.target_draw_date = g.target_draw_date
                    and s.ticket = g.ticket);

-- name: upserted
-- The staged results: new keys inserted, changed ones replaced (their old values archived
-- above), identical ones left as they are. Returns one flag a written row: inserted or not.
-- Identical rows are dropped first by one hashed anti-join (the game's lock is held, so
-- nothing changes in between): ON CONFLICT alone probed the key index and locked every
-- unchanged row of a rerun one at a time.
insert into gold.prediction_results as g (
    model_name, model_run_id, game, target_draw_date, ticket, era,
    white_1, white_2, white_3, white_4, white_5, special_ball, white_matches, special_match,
    prize_tier, is_jackpot, prize_usd, ticket_price_usd, draw_record_hash)
select s.model_name, s.model_run_id, s.game, s.target_draw_date, s.ticket, s.era,
       s.white_1, s.white_2, s.white_3, s.white_4, s.white_5, s.special_ball, s.white_matches,
       s.special_match, s.prize_tier, s.is_jackpot, s.prize_usd, s.ticket_price_usd,
       s.draw_record_hash
from staging.prediction_results s
where s.staging_id = %(staging_id)s
  and not exists (
      select 1 from gold.prediction_results p
      where p.game = %(game)s and p.model_name = s.model_name and p.game = s.game
        and p.target_draw_date = s.target_draw_date and p.ticket = s.ticket
        and (p.model_run_id, p.era, p.white_1, p.white_2, p.white_3, p.white_4, p.white_5,
             p.special_ball, p.white_matches, p.special_match, p.prize_tier, p.is_jackpot,
             p.prize_usd, p.ticket_price_usd, p.draw_record_hash)
            is not distinct from
            (s.model_run_id, s.era, s.white_1, s.white_2, s.white_3, s.white_4, s.white_5,
             s.special_ball, s.white_matches, s.special_match, s.prize_tier, s.is_jackpot,
             s.prize_usd, s.ticket_price_usd, s.draw_record_hash))
on conflict (model_name, game, target_draw_date, ticket) do update
set model_run_id = excluded.model_run_id, era = excluded.era,
    white_1 = excluded.white_1, white_2 = excluded.white_2, white_3 = excluded.white_3,
    white_4 = excluded.white_4, white_5 = excluded.white_5,
    special_ball = excluded.special_ball, white_matches = excluded.white_matches,
    special_match = excluded.special_match, prize_tier = excluded.prize_tier,
    is_jackpot = excluded.is_jackpot, prize_usd = excluded.prize_usd,
    ticket_price_usd = excluded.ticket_price_usd,
    draw_record_hash = excluded.draw_record_hash, evaluated_at = now()
where (g.model_run_id, g.era, g.white_1, g.white_2, g.white_3, g.white_4, g.white_5,
       g.special_ball, g.white_matches, g.special_match, g.prize_tier, g.is_jackpot,
       g.prize_usd, g.ticket_price_usd, g.draw_record_hash)
      is distinct from
      (excluded.model_run_id, excluded.era, excluded.white_1, excluded.white_2,
       excluded.white_3, excluded.white_4, excluded.white_5, excluded.special_ball,
       excluded.white_matches, excluded.special_match, excluded.prize_tier,
       excluded.is_jackpot, excluded.prize_usd, excluded.ticket_price_usd,
       excluded.draw_record_hash)
returning (xmax = 0) as inserted;

-- name: calibration_sums_removed
-- Stored calibration sums the run recomputed (a new model run or draw revision), and those of
-- predictions or draws that are gone (no staged result of that model and draw).
delete from gold.calibration_sums c
where c.game = %(game)s
  and (exists (select 1 from staging.calibration_sums s
               where s.staging_id = %(staging_id)s and s.model_name = c.model_name
                 and s.target_draw_date = c.target_draw_date)
       or not exists (select 1 from staging.prediction_results r
                      where r.staging_id = %(staging_id)s and r.model_name = c.model_name
                        and r.target_draw_date = c.target_draw_date));

-- name: calibration_sums_inserted
-- The run's recomputed sums (sql/gold/stage_calibration_sums.sql): none on a rerun.
insert into gold.calibration_sums (
    model_name, game, target_draw_date, model_run_id, draw_record_hash, white_numbers,
    white_log_loss_units, white_brier_units, special_numbers, special_log_loss_units,
    special_brier_units)
select model_name, game, target_draw_date, model_run_id, draw_record_hash, white_numbers,
       white_log_loss_units, white_brier_units, special_numbers, special_log_loss_units,
       special_brier_units
from staging.calibration_sums
where staging_id = %(staging_id)s;

-- name: performance_deleted
-- The game's performance is replaced as a whole (a window or model without results disappears).
delete from gold.model_performance where game = %(game)s;

-- name: performance_inserted
-- The staged performance rows (deterministic: re-evaluating unchanged inputs writes the same
-- rows), then the staged verdict summary: every evaluate stages exactly one row per game, so the
-- upsert replaces the sentence together with the performance it describes.
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
where staging_id = %(staging_id)s;

insert into gold.verdict_summary as v (game, sentence, family_size, confirm_family_size,
                                       best_model, best_p_value, best_p_value_adjusted,
                                       control_led, n_beats_random, evaluated_at)
select game, sentence, family_size, confirm_family_size, best_model, best_p_value,
       best_p_value_adjusted, control_led, n_beats_random, now()
from staging.verdict_summary
where staging_id = %(staging_id)s and game = %(game)s
on conflict (game) do update set
    sentence = excluded.sentence, family_size = excluded.family_size,
    confirm_family_size = excluded.confirm_family_size, best_model = excluded.best_model,
    best_p_value = excluded.best_p_value, best_p_value_adjusted = excluded.best_p_value_adjusted,
    control_led = excluded.control_led, n_beats_random = excluded.n_beats_random,
    evaluated_at = excluded.evaluated_at;

-- name: reference_deleted
-- The game's reference tables, republished by the next two steps.
with baselines as (
    delete from gold.era_baselines where game = %(game)s
), tiers as (
    delete from gold.prize_tiers where game = %(game)s
), counts as (
    delete from gold.number_counts where game = %(game)s
)
delete from gold.number_frequency_tests where game = %(game)s;

-- name: reference_copied
-- Python (gold/evaluate.py): COPY of the era baselines and prize tiers from the game file into
-- gold.era_baselines and gold.prize_tiers.

-- name: frequencies_copied
-- Python (gold/evaluate.py): COPY of the number counts and frequency tests, computed from the
-- game's draws, into gold.number_counts and gold.number_frequency_tests.

-- name: before_commit
-- The run's staged rows are no longer needed.
with results as (
    delete from staging.prediction_results where staging_id = %(staging_id)s
), summaries as (
    delete from staging.verdict_summary where staging_id = %(staging_id)s
), sums as (
    delete from staging.calibration_sums where staging_id = %(staging_id)s
)
delete from staging.model_performance where staging_id = %(staging_id)s;
