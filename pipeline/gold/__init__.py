"""Gold: every prediction with a known draw scored, and each model judged against random."""
