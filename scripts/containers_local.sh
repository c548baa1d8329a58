#!/usr/bin/env bash
# Real containers on a machine with no Docker engine and no reachable image registry, with podman
# (see docs/operations.md, "Steps in containers on this machine").
#
#   eval "$(scripts/containers_local.sh up)"   # then PIPELINE_STEP_RUNNER=docker DAG runs work
#   scripts/containers_local.sh down           # stops the API service `up` started
#
# `up`: installs podman, runc and debootstrap if missing (apt); bootstraps a Debian base image
# once (cached by its tag in podman's image store); builds the step image and the Airflow image
# from airflow/step.Dockerfile and airflow/Dockerfile on it (podman's layer cache makes a rebuild
# of unchanged sources take seconds); starts podman's Docker-compatible API service on a socket
# under $STATE; prints `export NAME=value` lines on stdout (progress goes to stderr). A second
# `up` reuses the base, the layers and a running service; one started while another runs waits
# for it (a lock), then finds everything built. `down` stops the service by its pid.
# Needs root (apt, debootstrap, podman's root storage): CI and this machine run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${DRAWPIPE_CONTAINERS_STATE:-$ROOT/.drawpipe/containers}
DEBIAN_BASE=localhost/drawpipe-debian-base:bookworm
AIRFLOW_BASE=localhost/drawpipe-airflow-base:local
STEP_IMAGE=localhost/drawpipe-step:local
AIRFLOW_IMAGE=localhost/drawpipe-airflow:local
SOCKET=$STATE/podman.sock
PIDFILE=$STATE/podman-service.pid
CONF=$STATE/containers.conf
export CONTAINERS_CONF=$CONF

say() { echo "containers_local: $*" >&2; }
die() { say "error: $*"; exit 1; }
# Every podman call with runc: the default crun fails on this kind of host ("cgroups in hybrid
# mode not supported").
pm() { podman --runtime runc "$@"; }

service_pid() {  # the pid of the service `up` started, if it still runs
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

socket_answers() {
  curl -fsS --max-time 5 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

install_tools() {
  local missing=()
  for tool in podman runc debootstrap curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  say "installing ${missing[*]} (apt)"
  timeout 300 apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
    podman runc debootstrap curl >&2
}

write_conf() {
  mkdir -p "$STATE"
  # default_ulimits = []: podman's default RLIMIT_NOFILE is refused in this sandbox
  # ("setrlimit: Operation not permitted"); cgroupfs: no systemd to manage cgroups.
  cat >"$CONF.tmp" <<CONF
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  mv "$CONF.tmp" "$CONF"
  # pip inside a build: trust the same CAs as the host (a TLS-intercepting proxy here; harmless
  # elsewhere). Only this one setting, not the host's pip config (it names host-only paths).
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$STATE/pip.conf"
}

debian_mirror() {  # the Debian URI this machine's apt uses
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list 2>/dev/null \
        | awk '{print $2}' | grep -v security | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

ensure_debian_base() {
  if pm image exists "$DEBIAN_BASE"; then
    say "base $DEBIAN_BASE: cached"
    return 0
  fi
  local dir mirror started=$SECONDS
  dir=$(mktemp -d /var/tmp/drawpipe-debootstrap.XXXXXX)
  mirror=$(debian_mirror)
  say "bootstrapping $DEBIAN_BASE from $mirror (once per machine, about 80 s)"
  if ! timeout 900 debootstrap --variant=minbase \
      --include=python3,python3-venv,ca-certificates bookworm "$dir" "$mirror" >&2; then
    rm -rf "$dir"
    die "debootstrap failed"
  fi
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | timeout 300 podman import --change 'CMD ["python3"]' - "$DEBIAN_BASE" >&2
  rm -rf "$dir"
  say "base $DEBIAN_BASE: made in $((SECONDS - started)) s"
}

code_version() {
  local sha dirty=""
  sha=$(git rev-parse --short=12 HEAD 2>/dev/null) || { echo unknown; return; }
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=.dirty
  # Read from the file, not imported: CI runs `up` before .venv exists, and the same version
  # string on every `up` keeps the build cache.
  echo "$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' pipeline/__init__.py)+g$sha$dirty"
}

build() {  # build FILE TAG [build args...]
  local file=$1 tag=$2 started=$SECONDS
  shift 2
  say "building $tag from $file"
  # --network=host and the host's CA directory: pip reaches the package index only through this
  # machine's TLS proxy. The ignore file keeps .venv and .drawpipe out of the context.
  timeout 2400 podman --runtime runc build --network=host \
    -v /etc/ssl/certs:/etc/ssl/certs:ro -v "$STATE/pip.conf:/etc/pip.conf:ro" \
    --ignorefile airflow/Dockerfile.dockerignore -f "$file" -t "$tag" "$@" . >&2 \
    || die "building $tag failed"
  say "$tag: built in $((SECONDS - started)) s"
}

start_service() {
  local pid
  if pid=$(service_pid) && socket_answers; then
    say "API service: running (pid $pid, $SOCKET)"
    return 0
  fi
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  rm -f "$SOCKET" "$PIDFILE"
  # --time=0: no idle timeout; `down` stops it. setsid: out of the caller's process group, so
  # the shell's job control and Ctrl-C leave it alone; its output goes to a log, never stdout
  # (a caller's $(...) would wait for it); 9>&-: it must not keep holding up's lock.
  setsid podman --runtime runc system service --time=0 "unix://$SOCKET" \
    >"$STATE/podman-service.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 60); do
    socket_answers && { say "API service: started (pid $(cat "$PIDFILE"), $SOCKET)"; return 0; }
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 0.5
  done
  die "the API service did not answer within 30 s (log: $STATE/podman-service.log)"
}

take_lock() {  # one up/down at a time per state directory
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock -w "$1" 9 || die "another containers_local.sh still holds $STATE/lock after $1 s"
}

up() {
  take_lock 3600
  install_tools
  write_conf
  ensure_debian_base
  local version step_pid
  version=$(code_version)
  # The two images share only the Debian base: built side by side (a cold build is mostly
  # pip downloading and unpacking wheels, which overlap well).
  build airflow/step.Dockerfile "$STEP_IMAGE" --build-arg "STEP_BASE=$DEBIAN_BASE" \
    --build-arg "PIPELINE_CODE_VERSION=$version" &
  step_pid=$!
  build airflow/local-airflow-base.Dockerfile "$AIRFLOW_BASE" \
    --build-arg "DEBIAN_BASE=$DEBIAN_BASE"
  build airflow/Dockerfile "$AIRFLOW_IMAGE" --build-arg "AIRFLOW_BASE=$AIRFLOW_BASE" \
    --build-arg "PIPELINE_CODE_VERSION=$version"
  wait "$step_pid" || die "building $STEP_IMAGE failed"
  start_service
  # The step containers join the host's network: the warehouse is on 127.0.0.1 here.
  local name value
  for name in DOCKER_HOST CONTAINERS_CONF PIPELINE_STEP_RUNNER PIPELINE_STEP_IMAGE \
      PIPELINE_STEP_NETWORK DRAWPIPE_AIRFLOW_IMAGE; do
    case $name in
      DOCKER_HOST) value=unix://$SOCKET ;;
      CONTAINERS_CONF) value=$CONF ;;
      PIPELINE_STEP_RUNNER) value=docker ;;
      PIPELINE_STEP_IMAGE) value=$STEP_IMAGE ;;
      PIPELINE_STEP_NETWORK) value=host ;;
      DRAWPIPE_AIRFLOW_IMAGE) value=$AIRFLOW_IMAGE ;;
    esac
    printf 'export %s=%q\n' "$name" "$value"
  done
}

down() {
  local pid
  take_lock 120
  if ! pid=$(service_pid); then
    say "API service: not running"
    rm -f "$PIDFILE" "$SOCKET"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "API service (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$SOCKET"
  say "API service: stopped (pid $pid)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
