# The step image: what each DAG task's container runs (`python -m pipeline <step> ...`) with
# PIPELINE_STEP_RUNNER=docker. Steps need the package and its libraries, not Airflow: no Airflow,
# no scheduler entrypoint, no metadata-database check before the step starts.
#
# Production (a registry reachable):
#   docker build -f airflow/step.Dockerfile -t drawpipe-step:latest .
# Here (no registry): scripts/containers_local.sh builds this same file on a base bootstrapped
# from Debian packages (--build-arg STEP_BASE=localhost/drawpipe-debian-base:bookworm).
# Either base needs only python3 (3.11) with the venv module, useradd and CA certificates.
ARG STEP_BASE=python:3.11-slim-bookworm
FROM ${STEP_BASE}

ENV PYTHONWARNINGS=ignore \
    PYTHONDONTWRITEBYTECODE=1 \
    TQDM_DISABLE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/drawpipe-venv/bin:$PATH \
    PYTHONPATH=/opt/drawpipe

# Hash-checked wheels only (--require-hashes, --only-binary): exactly the reviewed artifacts,
# nothing built from source during the image build; `pip check` refuses a broken tree.
COPY airflow/requirements-step.lock /opt/drawpipe/requirements-step.lock
RUN python3 -m venv /opt/drawpipe-venv \
    && pip install --no-cache-dir --require-hashes --only-binary :all: \
         -r /opt/drawpipe/requirements-step.lock \
    && pip check \
    && useradd --uid 50000 --gid 0 --create-home --home-dir /home/drawpipe drawpipe

# The project itself on PYTHONPATH (no install step, so no build backend to fetch): the package
# finds sql/ and data/ next to it in /opt/drawpipe.
COPY pipeline /opt/drawpipe/pipeline
COPY sql /opt/drawpipe/sql
COPY data /opt/drawpipe/data
# Last, so a new commit rebuilds only the layers from here.
ARG PIPELINE_CODE_VERSION=unknown
ENV PIPELINE_CODE_VERSION=${PIPELINE_CODE_VERSION}
RUN python -m pipeline --help >/dev/null

USER 50000:0
WORKDIR /home/drawpipe
CMD ["python", "-m", "pipeline", "--help"]
