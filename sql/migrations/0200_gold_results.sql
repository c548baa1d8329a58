-- gold.prediction_results: grain one ticket of one model for one target draw that is in
-- bronze; key (model_name, game, target_draw_date, ticket). white_1..white_5/special_ball are
-- the predicted numbers; draw_record_hash is the bronze record_hash the row was scored
-- against (a revised draw has a new hash and is re-scored). prize_tier is '<w>+<s>' for a
-- tier of the era's prize chart, 'none' for a losing ticket, null when the era has no chart.
-- Jackpot tiers: is_jackpot = true and prize_usd null (pari-mutuel, no fixed amount).
create table if not exists gold.prediction_results (
    model_name        text not null,
    model_run_id      uuid not null,
    game              text not null,
    target_draw_date  date not null,
    ticket            smallint not null,
    era               text not null,
    white_1           smallint not null,
    white_2           smallint not null,
    white_3           smallint not null,
    white_4           smallint not null,
    white_5           smallint not null,
    special_ball      smallint not null,
    white_matches     smallint not null check (white_matches between 0 and 5),
    special_match     boolean not null,
    prize_tier        text,
    is_jackpot        boolean,
    prize_usd         numeric(14, 2),
    ticket_price_usd  numeric(8, 2),
    draw_record_hash  text not null,
    evaluated_at      timestamptz not null default now(),
    primary key (model_name, game, target_draw_date, ticket),
    check (prize_tier is null or prize_tier = 'none' or prize_tier ~ '^[0-5]\+[01]$'),
    check (not coalesce(is_jackpot, false) or prize_usd is null)
);
create index if not exists prediction_results_draw
    on gold.prediction_results (game, target_draw_date);

-- gold.prediction_results_history: grain one superseded result row; key history_id.
-- A result is superseded when its draw is revised in bronze (new record_hash), its
-- prediction is replaced in silver (new run or numbers), or either disappears.
create table if not exists gold.prediction_results_history (
    history_id        bigserial primary key,
    like gold.prediction_results,
    superseded_reason text not null
                      check (superseded_reason in ('draw_revised', 'prediction_replaced',
                                                   'source_removed')),
    superseded_at     timestamptz not null default now()
);
create index if not exists prediction_results_history_key
    on gold.prediction_results_history (game, target_draw_date, model_name);

-- gold.model_performance: grain one (model_name, game, era, window_name); key the same.
-- Windows anchor on the latest draw of the game in bronze (window_end). Per-draw aggregation:
-- the draw, not the ticket, is the independent unit of every interval and test. expected_*
-- columns are the exact values for a uniformly random ticket of the era. p_value: one-sided,
-- exact, "more white matches than random"; p_value_adjusted: Holm over the models of the same
-- (game, era, window_name). return_per_play excludes jackpot tiers (counted in jackpot_hits).
create table if not exists gold.model_performance (
    model_name                 text not null,
    game                       text not null,
    era                        text not null,
    window_name                text not null
                               check (window_name in ('all_time', 'last_52_weeks',
                                                      'last_100_draws')),
    window_start               date,
    window_end                 date not null,
    n_draws                    integer not null,
    n_predictions              integer not null,
    tickets_per_draw_max       integer not null,
    total_white_matches        integer not null,
    mean_white_matches         double precision not null,
    expected_white_matches     double precision not null,
    mean_white_matches_ci_low  double precision,
    mean_white_matches_ci_high double precision,
    special_hits               integer not null,
    special_hit_rate           double precision not null,
    expected_special_hit_rate  double precision not null,
    special_hit_rate_ci_low    double precision,
    special_hit_rate_ci_high   double precision,
    any_prize_hits             integer,
    any_prize_rate             double precision,
    expected_any_prize_rate    double precision,
    any_prize_rate_ci_low      double precision,
    any_prize_rate_ci_high     double precision,
    jackpot_hits               integer,
    expected_jackpot_hits      double precision,
    ticket_price_usd           double precision,
    return_per_play            double precision,
    expected_return_per_play   double precision,
    return_per_play_ci_low     double precision,
    return_per_play_ci_high    double precision,
    p_value                    double precision not null check (p_value between 0 and 1),
    p_value_adjusted           double precision not null
                               check (p_value_adjusted between 0 and 1),
    p_value_method             text not null,
    p_value_special            double precision,
    p_value_special_adjusted   double precision,
    p_value_any_prize          double precision,
    p_value_any_prize_adjusted double precision,
    p_value_any_prize_method   text,
    n_models_compared          integer not null,
    calibration_n_draws        integer,
    white_log_loss             double precision,
    white_log_loss_uniform     double precision,
    white_brier                double precision,
    white_brier_uniform        double precision,
    special_log_loss           double precision,
    special_log_loss_uniform   double precision,
    special_brier              double precision,
    special_brier_uniform      double precision,
    log_loss_p_value           double precision,
    primary key (model_name, game, era, window_name)
);

-- gold.era_baselines: grain one rule era of a game; key (game, era). The exact expectations
-- of a uniformly random ticket, from the game definition (pipeline/games.toml).
create table if not exists gold.era_baselines (
    game                       text not null,
    era                        text not null,
    era_end                    date,
    white_max                  smallint not null,
    special_max                smallint not null,
    ticket_price_usd           numeric(8, 2),
    expected_white_matches     double precision not null,
    expected_special_hit_rate  double precision not null,
    any_prize_probability      double precision,
    any_prize_odds_1_in        double precision,
    jackpot_odds_1_in          double precision not null,
    expected_return_per_play   double precision,
    primary key (game, era)
);

-- gold.prize_tiers: grain one (game, era, white_matches, special_match); key the same.
-- Every match combination with its exact probability for a random ticket; prize_tier and
-- prize_usd from the era's chart ('none' when the combination wins nothing).
create table if not exists gold.prize_tiers (
    game           text not null,
    era            text not null,
    white_matches  smallint not null,
    special_match  boolean not null,
    prize_tier     text,
    is_jackpot     boolean,
    prize_usd      numeric(14, 2),
    probability    double precision not null,
    odds_1_in      double precision not null,
    primary key (game, era, white_matches, special_match)
);

-- gold.number_counts: grain one (game, era, ball_type, number) valid in the era; key the same.
-- observed: draws of the era in bronze that drew the number; expected under uniform draws.
create table if not exists gold.number_counts (
    game       text not null,
    era        text not null,
    ball_type  text not null check (ball_type in ('white', 'special')),
    number     smallint not null,
    observed   integer not null,
    expected   double precision not null,
    primary key (game, era, ball_type, number)
);

-- gold.number_frequency_tests: grain one (game, era, ball_type); key the same. Pearson
-- chi-square of uniformity; for white balls (5 distinct per draw) scaled by (N-1)/(N-5) so it
-- is chi-square with N-1 degrees of freedom under uniform draws (see docs/gold.md).
create table if not exists gold.number_frequency_tests (
    game            text not null,
    era             text not null,
    ball_type       text not null check (ball_type in ('white', 'special')),
    n_draws         integer not null,
    chi_square      double precision not null,
    chi_square_scaled double precision not null,
    df              integer not null,
    p_value         double precision not null,
    min_expected    double precision not null,
    primary key (game, era, ball_type)
);

-- Staging copies (write, audit, publish): same columns plus staging_id, the evaluate run's id.
create table if not exists staging.prediction_results (
    like gold.prediction_results including defaults);
alter table staging.prediction_results add column if not exists staging_id uuid not null;
create index if not exists staging_prediction_results_id
    on staging.prediction_results (staging_id);
create table if not exists staging.model_performance (
    like gold.model_performance including defaults);
alter table staging.model_performance add column if not exists staging_id uuid not null;
create index if not exists staging_model_performance_id
    on staging.model_performance (staging_id);
