-- Publish the staged verdict summary of one game (in evaluate's publish transaction). Every
-- evaluate stages exactly one row per game, so the upsert replaces the sentence together with
-- the performance it describes.
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
    evaluated_at = excluded.evaluated_at
