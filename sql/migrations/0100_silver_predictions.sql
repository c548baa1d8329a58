-- silver.model_runs: grain one row per trained (fitted) model; key model_run_id.
-- train_first_draw/train_last_draw: the first and last draw the fit saw (all < any target).
create table if not exists silver.model_runs (
    model_run_id     uuid primary key,
    model_name       text not null,
    model_version    text not null,
    game             text not null,
    params           jsonb not null default '{}'::jsonb,
    train_first_draw date,
    train_last_draw  date,
    n_train_draws    integer not null default 0,
    code_version     text not null,
    metrics          jsonb not null default '{}'::jsonb,
    created_at       timestamptz not null default now()
);
create index if not exists model_runs_model on silver.model_runs (game, model_name, created_at);

-- silver.predictions: grain one ticket of one model for one target draw;
-- key (model_name, game, target_draw_date, ticket). white_1..white_5 ascending.
create table if not exists silver.predictions (
    model_name       text not null,
    model_run_id     uuid not null references silver.model_runs (model_run_id),
    game             text not null,
    target_draw_date date not null,
    ticket           smallint not null check (ticket >= 1),
    white_1          smallint not null,
    white_2          smallint not null,
    white_3          smallint not null,
    white_4          smallint not null,
    white_5          smallint not null,
    special_ball     smallint not null,
    era              text not null,
    created_at       timestamptz not null default now(),
    primary key (model_name, game, target_draw_date, ticket),
    check (white_1 < white_2 and white_2 < white_3 and white_3 < white_4 and white_4 < white_5)
);
create index if not exists predictions_target on silver.predictions (game, target_draw_date);

-- silver.prediction_scores: grain one number of one ball type scored by one model for one
-- target draw; key (model_name, game, target_draw_date, ball_type, number).
-- score is the model's probability that the number is drawn (calibration is scored in gold).
create table if not exists silver.prediction_scores (
    model_name       text not null,
    game             text not null,
    target_draw_date date not null,
    ball_type        text not null check (ball_type in ('white', 'special')),
    number           smallint not null,
    score            double precision not null,
    primary key (model_name, game, target_draw_date, ball_type, number)
);

-- Staging copies (write, audit, publish): same columns plus staging_id, the write's id.
create table if not exists staging.model_runs (like silver.model_runs including defaults);
alter table staging.model_runs add column if not exists staging_id uuid not null;
create table if not exists staging.predictions (like silver.predictions including defaults);
alter table staging.predictions add column if not exists staging_id uuid not null;
create index if not exists staging_predictions_id on staging.predictions (staging_id);
create table if not exists staging.prediction_scores (
    like silver.prediction_scores including defaults);
alter table staging.prediction_scores add column if not exists staging_id uuid not null;
create index if not exists staging_prediction_scores_id on staging.prediction_scores (staging_id);
