-- staging.game_eras: a game's rule eras as rows, grain one era, from the parallel arrays
-- pipeline/silver/eras.era_sql_params binds (era_end null for the open era; white_epoch and
-- special_epoch: where each ball type's range epoch starts). One definition for every
-- sql/quality/ audit that joins rows to their date's era; a plain SQL function the planner
-- inlines, so the arrays stay constants and the row estimates their lengths.
create or replace function staging.game_eras(
    p_era_name text[], p_era_start date[], p_era_end date[], p_white_min int[],
    p_white_max int[], p_special_min int[], p_special_max int[], p_white_epoch date[],
    p_special_epoch date[])
returns table (era_name text, era_start date, era_end date, white_min int, white_max int,
               special_min int, special_max int, white_epoch date, special_epoch date)
language sql immutable as $$
    select * from unnest(p_era_name, p_era_start, p_era_end, p_white_min, p_white_max,
                         p_special_min, p_special_max, p_white_epoch, p_special_epoch)
$$;
