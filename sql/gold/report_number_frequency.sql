-- Report: observed vs expected count per number, era and ball type, with the era's test.
select era, ball_type, number, observed, expected, n_draws, era_chi_square, era_df, era_p_value
from gold.number_frequency
where game = %(game)s
order by era, ball_type, number
