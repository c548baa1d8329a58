"""Benchmarks: `python -m bench <name> [--rows N]`, one JSON object per measurement per line."""
