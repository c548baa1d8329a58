-- ops.ingest_batches: grain one row per ingest attempt; key batch_id.
-- rows_read = inserted + unchanged + revised + quarantined once status = 'published'.
create table if not exists ops.ingest_batches (
    batch_id     uuid primary key,
    game         text not null,
    source       text not null,
    source_sha256 text,
    status       text not null default 'staging'
                 check (status in ('staging', 'published', 'failed', 'dry_run')),
    rows_read    integer not null default 0,
    inserted     integer not null default 0,
    unchanged    integer not null default 0,
    revised      integer not null default 0,
    quarantined  integer not null default 0,
    message      text,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    constraint counts_add_up check (
        status <> 'published' or rows_read = inserted + unchanged + revised + quarantined)
);
create index if not exists ingest_batches_game on ops.ingest_batches (game, started_at);

-- ops.quarantine: grain one row per rejected source row; key (batch_id, line_no).
create table if not exists ops.quarantine (
    batch_id    uuid not null references ops.ingest_batches (batch_id),
    line_no     integer not null,
    game        text not null,
    raw_record  text not null,
    reason      text not null,
    created_at  timestamptz not null default now(),
    primary key (batch_id, line_no)
);

-- ops.runs: grain one row per step execution; key run_id.
create table if not exists ops.runs (
    run_id       uuid primary key,
    step         text not null,
    game         text,
    partition    text,
    params       jsonb not null default '{}'::jsonb,
    status       text not null default 'running'
                 check (status in ('running', 'success', 'failed', 'skipped')),
    code_version text,
    rows_written integer,
    message      text,
    skip_checks  boolean not null default false,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz
);
create index if not exists runs_step_game on ops.runs (step, game, started_at);

-- ops.dq_results: grain one row per expectation evaluated by a gate run; key id.
create table if not exists ops.dq_results (
    id               bigserial primary key,
    gate_run_id      uuid not null,
    stage            text not null,
    game             text not null,
    partition        text not null,
    expectation      text not null,
    severity         text not null default 'error' check (severity in ('error', 'warn')),
    success          boolean not null,
    observed_value   jsonb,
    unexpected_count bigint,
    unexpected_sample jsonb,
    skipped          boolean not null default false,
    checked_at       timestamptz not null default now()
);
create index if not exists dq_results_stage on ops.dq_results (stage, game, checked_at);
