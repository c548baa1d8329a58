-- Verdicts that survive replication (docs/gold.md, "The verdict protocol").
--
-- gold.model_performance gains the configuration a row covers (a row never pools predictions of
-- different model configurations), the family-wise adjustment over every p-value gold stores for
-- the game, and the confirmatory split test behind the verdict. Grain becomes one
-- (model_name, config_id, game, era, window_name).
alter table gold.model_performance
    add column if not exists config_id                 text not null default '',
    add column if not exists config                    jsonb,
    add column if not exists first_target_draw         date,
    add column if not exists last_target_draw          date,
    add column if not exists family_size               integer,
    add column if not exists log_loss_p_value_adjusted double precision,
    add column if not exists split_date                date,
    add column if not exists explore_n_draws           integer,
    add column if not exists explore_p_value           double precision,
    add column if not exists selected                  boolean,
    add column if not exists confirm_n_draws           integer,
    add column if not exists confirm_p_value           double precision,
    add column if not exists confirm_p_value_adjusted  double precision,
    add column if not exists confirm_family_size       integer,
    add column if not exists verdict                   text,
    add column if not exists verdict_reason            text;
alter table gold.model_performance drop constraint if exists model_performance_pkey;
alter table gold.model_performance
    add constraint model_performance_pkey
        primary key (model_name, config_id, game, era, window_name),
    add constraint model_performance_verdict check (
        verdict is null
        or verdict in ('beats random', 'unconfirmed lead', 'inconclusive', 'no evidence'));

-- The staging copy is rebuilt so that its columns stay in gold's order (audits union the two).
drop table if exists staging.model_performance;
create table staging.model_performance (like gold.model_performance including defaults);
alter table staging.model_performance add column staging_id uuid not null;
create index staging_model_performance_id on staging.model_performance (staging_id);

-- gold.verdict_summary: grain one row per game; key game. The one plain sentence every surface
-- (report, show, the setup demo) leads with, and the figures it quotes.
create table if not exists gold.verdict_summary (
    game                  text primary key,
    sentence              text not null,
    family_size           integer not null,
    confirm_family_size   integer not null,
    best_model            text,
    best_p_value          double precision,
    best_p_value_adjusted double precision,
    control_led           boolean not null,
    n_beats_random        integer not null,
    evaluated_at          timestamptz not null default now()
);
create table if not exists staging.verdict_summary (
    like gold.verdict_summary including defaults);
alter table staging.verdict_summary add column if not exists staging_id uuid not null;
