-- A transaction-local landing table for per-number scores sent compactly by binary COPY: one
-- row per (model, target, ball type) with the scores of numbers first_number, first_number+1, ...
create temp table score_wire (
    model_name       text not null,
    game             text not null,
    target_draw_date date not null,
    ball_type        text not null,
    first_number     smallint not null,
    scores           double precision[] not null
) on commit drop
