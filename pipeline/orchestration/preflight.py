"""Checks a task makes before it starts its step, where a retry could never help.

An `ingest` of an http(s) source whose host name cannot be resolved (a machine without network,
a typo in the host) would fail every fetch attempt, then every Airflow retry with its backoff:
minutes of waiting for one certain answer. The task resolves the host first (bounded by a short
timeout) and fails at once, without retries, with one line that says what to do instead.
When an HTTP proxy serves the URL, the proxy's host is what this machine must resolve.
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
import urllib.request

RESOLVE_TIMEOUT_S = 5.0


def _resolve(host: str, port: int, timeout: float) -> str | None:
    """None if `host` resolves within `timeout` seconds, else why not (one line)."""
    outcome: list[str | None] = []

    def lookup():
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            outcome.append(None)
        except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
            outcome.append(getattr(exc, "strerror", None) or str(exc))

    # getaddrinfo has no timeout of its own; a resolver that never answers must not hold the
    # task, so the lookup runs in a daemon thread that is abandoned after the timeout.
    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return f"no answer from the resolver within {timeout:g} s"
    return outcome[0]


def source_host_problem(source: str | None, timeout: float = RESOLVE_TIMEOUT_S,
                        local_example: str | None = None) -> str | None:
    """Why an http(s) `source` cannot be fetched from this machine at all, or None.

    None for local paths and for URLs whose host (or proxy host) resolves: whatever else can go
    wrong with the fetch is left to the step, which retries what may pass on a retry.
    """
    if not source or not source.lower().startswith(("http://", "https://")):
        return None
    url = urllib.parse.urlsplit(source)
    host, what = url.hostname, "source host"
    if not host:
        return None  # the step reports a malformed URL itself
    try:
        port = url.port or (443 if url.scheme.lower() == "https" else 80)
    except ValueError:
        return None
    proxy = urllib.request.getproxies().get(url.scheme.lower())
    if proxy and not urllib.request.proxy_bypass(host):
        proxied = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if proxied.hostname:
            host, port, what = proxied.hostname, proxied.port or 80, "proxy host"
    why = _resolve(host, port, timeout)
    if why is None:
        return None
    example = f" such as {local_example}" if local_example else ""
    return (f"{what} {host} cannot be resolved ({why}; no network or DNS?): nothing was "
            f"ingested and a retry would not help. Trigger the run with source set to a local "
            f"export file{example}")
