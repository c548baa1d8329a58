-- bronze.draws: grain one row per draw; key (game, draw_date).
-- white_1..white_5 ascending; white_order_source holds the source's order only when it differs.
-- record_hash covers the canonical values (sorted whites, special, multiplier).
create table if not exists bronze.draws (
    game               text not null,
    draw_date          date not null,
    white_1            smallint not null,
    white_2            smallint not null,
    white_3            smallint not null,
    white_4            smallint not null,
    white_5            smallint not null,
    special_ball       smallint not null,
    multiplier         smallint,
    white_order_source smallint[],
    era                text not null,
    source             text not null,
    batch_id           uuid not null references ops.ingest_batches (batch_id),
    record_hash        text not null,
    ingested_at        timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    primary key (game, draw_date),
    check (white_1 < white_2 and white_2 < white_3 and white_3 < white_4 and white_4 < white_5)
);

-- bronze.draw_revisions: grain one row per changed value set; key (game, draw_date, revised_at).
-- The values a draw had before a later batch changed them.
create table if not exists bronze.draw_revisions (
    revision_id     bigserial primary key,
    game            text not null,
    draw_date       date not null,
    old_white       smallint[] not null,
    old_special     smallint not null,
    old_multiplier  smallint,
    old_record_hash text not null,
    old_batch_id    uuid not null,
    new_white       smallint[] not null,
    new_special     smallint not null,
    new_multiplier  smallint,
    new_record_hash text not null,
    batch_id        uuid not null references ops.ingest_batches (batch_id),
    revised_at      timestamptz not null default now()
);
create index if not exists draw_revisions_draw on bronze.draw_revisions (game, draw_date);

-- staging.draws: grain one row per valid source row of a batch; key (batch_id, line_no).
-- Rows stay here after a failed gate, for inspection, until the next ingest of the game.
create table if not exists staging.draws (
    batch_id           uuid not null,
    line_no            integer not null,
    game               text not null,
    draw_date          date not null,
    white_1            smallint not null,
    white_2            smallint not null,
    white_3            smallint not null,
    white_4            smallint not null,
    white_5            smallint not null,
    special_ball       smallint not null,
    multiplier         smallint,
    white_order_source smallint[],
    era                text not null,
    source             text not null,
    record_hash        text not null,
    primary key (batch_id, line_no)
);
