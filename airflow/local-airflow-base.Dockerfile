# A stand-in for the official Airflow base image, for machines that reach no image registry
# (scripts/containers_local.sh). It has what airflow/Dockerfile and docker-compose.airflow.yml
# rely on in the official image: the airflow user (UID 50000, group 0) with HOME /home/airflow,
# AIRFLOW_HOME=/opt/airflow owned by it, `python` and `pip` on PATH and writable by it, and an
# /entrypoint that turns `api-server`, `scheduler`, ... into `airflow <command>`. It has no
# Airflow: airflow/Dockerfile installs it from requirements-prod.lock, as on the official base.
# Production never uses this file.
ARG DEBIAN_BASE=localhost/drawpipe-debian-base:bookworm
FROM ${DEBIAN_BASE}

ENV AIRFLOW_HOME=/opt/airflow \
    AIRFLOW_USER_HOME_DIR=/home/airflow \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/home/airflow/.local/bin:$PATH
RUN useradd --uid 50000 --gid 0 --create-home --home-dir /home/airflow airflow \
    && install -d -o airflow -g 0 -m 0775 /opt/airflow \
    && python3 -m venv /home/airflow/.local \
    && chown -R airflow:0 /home/airflow/.local
COPY --chmod=0755 airflow/local-entrypoint.sh /entrypoint
USER airflow
WORKDIR /opt/airflow
ENTRYPOINT ["/entrypoint"]
