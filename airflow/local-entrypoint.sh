#!/bin/sh
# The stand-in base's entrypoint (airflow/local-airflow-base.Dockerfile): like the official
# image's, a command that is a program runs as is, anything else is an Airflow subcommand.
# Unlike it, no metadata-database check first (the compose services' own waits cover that).
if [ "$#" -eq 0 ]; then
  exec airflow --help
elif command -v "$1" >/dev/null 2>&1; then
  exec "$@"
else
  exec airflow "$@"
fi
