"""The warehouse URL a step gets as PIPELINE_DATABASE_URL, from an Airflow connection's fields.

Kept free of Airflow: the DAG passes the connection's attributes in. With no `warehouse`
connection the step falls back to PIPELINE_DATABASE_URL or the embedded server (pipeline.db).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from pipeline.errors import ConfigError

# libpq parameters that may come through the connection's extra (sslmode, ...; `host` for a unix
# socket folder, as the embedded server's URL has it); others are refused, not passed on unseen.
LIBPQ_EXTRAS = frozenset({"host", "sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout",
                          "application_name", "options", "target_session_attrs"})
POSTGRES_TYPES = frozenset({"postgres", "postgresql"})


def url_from_connection(conn_type: str | None, host: str | None, port: int | None,
                        login: str | None, password: str | None, schema: str | None,
                        extra: dict | None = None) -> str:
    """A postgresql:// URL for a Postgres connection (`schema` is the database name).

    A URL rather than a key=value conninfo: libpq, psycopg and SQLAlchemy all accept it.
    """
    if (conn_type or "postgres") not in POSTGRES_TYPES:
        raise ConfigError(f"the warehouse connection must be a Postgres connection, "
                          f"not {conn_type!r}")
    unknown = sorted(set(extra or {}) - LIBPQ_EXTRAS)
    if unknown:
        raise ConfigError(f"warehouse connection extra {unknown[0]!r} is not a libpq option "
                          f"this pipeline passes on ({', '.join(sorted(LIBPQ_EXTRAS))})")
    auth = ""
    if login:
        auth = quote(login, safe="") + (f":{quote(password, safe='')}" if password else "") + "@"
    query_params = {k: str(v) for k, v in sorted((extra or {}).items())}
    if host and host.startswith("/"):  # a unix-socket folder goes in the query, as libpq wants
        query_params["host"], host = host, None
    netloc = auth + (f"[{host}]" if host and ":" in host else (host or ""))
    if port:
        netloc += f":{int(port)}"
    query = urlencode(query_params)
    return f"postgresql://{netloc}/{quote(schema or '', safe='')}" + (f"?{query}" if query else "")
