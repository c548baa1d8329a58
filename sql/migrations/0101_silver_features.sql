-- silver.number_features: grain one number of one ball type for one draw, with what was known
-- before that draw; key (game, draw_date, ball_type, number). Only numbers valid in the draw's
-- era have a row; the game's very first draw has none (nothing is known before it).
-- Counts run over the ball's range epoch: the consecutive eras, up to this draw's, whose range
-- for that ball type equals this draw's (history_from = the epoch's first day). See docs/silver.md.
-- as_of_draw_date: the last draw these statistics used; always < draw_date.
create table if not exists silver.number_features (
    game             text not null,
    draw_date        date not null,
    era              text not null,
    ball_type        text not null check (ball_type in ('white', 'special')),
    number           smallint not null,
    history_from     date not null,
    as_of_draw_date  date not null,
    era_draws_before integer not null,   -- draws of the epoch before this draw (the denominator)
    hits_10          smallint not null,  -- appearances in the epoch's last 10 draws before this one
    hits_25          smallint not null,
    hits_50          smallint not null,
    hits_100         smallint not null,
    hits_era         integer not null,   -- appearances in all epoch draws before this one
    draws_since_seen integer not null,   -- draws after its last appearance; era_draws_before if none
    seen_in_era      boolean not null,
    created_at       timestamptz not null default now(),
    primary key (game, draw_date, ball_type, number),
    check (as_of_draw_date < draw_date)
);

-- silver.feature_draws: grain one bronze draw whose values the published features reflect;
-- key (game, draw_date). A bronze draw missing here or with another record_hash marks where the
-- next incremental `features` run starts rebuilding.
create table if not exists silver.feature_draws (
    game        text not null,
    draw_date   date not null,
    record_hash text not null,
    built_at    timestamptz not null default now(),
    primary key (game, draw_date)
);

-- Staging copies (write, audit, publish): no checks beyond NOT NULL, so the gate sees bad rows.
create table if not exists staging.number_features (
    like silver.number_features including defaults);
alter table staging.number_features add column if not exists staging_id uuid not null;
-- Values may be null here so that the gate's no-null expectation, not COPY, reports them.
alter table staging.number_features
    alter column era drop not null, alter column history_from drop not null,
    alter column as_of_draw_date drop not null, alter column era_draws_before drop not null,
    alter column hits_10 drop not null, alter column hits_25 drop not null,
    alter column hits_50 drop not null, alter column hits_100 drop not null,
    alter column hits_era drop not null, alter column draws_since_seen drop not null,
    alter column seen_in_era drop not null;
create index if not exists staging_number_features_id
    on staging.number_features (staging_id, draw_date);
create table if not exists staging.feature_draws (like silver.feature_draws including defaults);
alter table staging.feature_draws add column if not exists staging_id uuid not null;
