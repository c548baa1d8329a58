-- gold.calibration_sums: what calibration needs of the per-number scores, kept so that an
-- evaluate reads each (model, draw)'s ~95 scores once instead of on every run. Grain: one
-- (model_name, game, target_draw_date) with a scored prediction (gold.prediction_results);
-- key the same. Per ball type: how many numbers were scored and the exact integer sums of
-- their log loss and Brier terms, each term rounded to a multiple of 2^-52
-- (sql/gold/calibration_by_draw.sql; divided by 2^52 these are the sums calibration reads);
-- null when the model scored no number of that ball type. model_run_id and draw_record_hash
-- are what the sums were computed from: silver replaces a (model, draw)'s scores only with its
-- tickets under a new model run, and a corrected draw gets a new bronze record hash, so a
-- staged result with another run or hash has its sums recomputed. Written only by evaluate's
-- publish (sql/gold/publish_evaluate.sql), under the game's gold lock; rows of predictions or
-- draws that are gone are dropped there. The staging copy holds one run's recomputed rows.
create table if not exists gold.calibration_sums (
    model_name             text not null,
    game                   text not null,
    target_draw_date       date not null,
    model_run_id           uuid not null,
    draw_record_hash       text not null,
    white_numbers          integer,
    white_log_loss_units   numeric,
    white_brier_units      numeric,
    special_numbers        integer,
    special_log_loss_units numeric,
    special_brier_units    numeric,
    primary key (model_name, game, target_draw_date)
);
create index if not exists calibration_sums_game on gold.calibration_sums (game);

create unlogged table if not exists staging.calibration_sums (
    like gold.calibration_sums including defaults);
alter table staging.calibration_sums add column if not exists staging_id uuid not null;
create index if not exists staging_calibration_sums_id on staging.calibration_sums (staging_id);
-- A warehouse migrated before this file has re-applied repeatable/900_grants.sql already: the
-- gold writer's grant on its new staging table is given here (900_grants gives it on a fresh one).
grant select, insert, update, delete on staging.calibration_sums to drawpipe_gold_writer;
