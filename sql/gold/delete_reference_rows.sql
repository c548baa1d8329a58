-- First half of republishing a game's reference tables (baselines, prize tiers, number
-- frequencies); the caller copies the fresh rows in, in the same transaction.
with baselines as (
    delete from gold.era_baselines where game = %(game)s
), tiers as (
    delete from gold.prize_tiers where game = %(game)s
), counts as (
    delete from gold.number_counts where game = %(game)s
)
delete from gold.number_frequency_tests where game = %(game)s
