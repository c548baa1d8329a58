"""Error classes the CLI turns into one clear line and a non-zero exit."""


class PipelineError(Exception):
    """A problem the user can act on; its message is shown as is."""


class ConfigError(PipelineError):
    """A game file, config file or option that cannot be used."""


class SourceError(PipelineError):
    """A source that cannot be read at all: nothing is written."""


class GamesFileError(ConfigError):
    """The games file (PIPELINE_GAMES_FILE) cannot be used: exit 2, before any step runs."""

    exit_code = 2


class LockTimeoutError(PipelineError):
    """A lock wait hit lock_timeout; the message names the lock and who holds it."""


class DatabaseError(PipelineError):
    """The warehouse cannot be reached or used (server down, database or role missing...)."""
