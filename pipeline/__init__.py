"""drawpipe: a medallion pipeline for lottery draw data (plain Python, no Airflow imports)."""

__version__ = "0.1.0"
