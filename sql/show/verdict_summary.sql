-- show / report: the game's one plain sentence and the figures it quotes (grain: one game).
select sentence, family_size, confirm_family_size, best_model, best_p_value,
       best_p_value_adjusted, control_led, n_beats_random, evaluated_at
from gold.verdict_summary
where game = %(game)s
