"""Orchestration in plain Python: the step sequence, each step's argv, and how a step is run.

The Airflow DAGs (dags/) and `python -m pipeline run` both use this package, so a DAG run and a
CLI run execute exactly the same commands. Nothing here imports Airflow.
"""
