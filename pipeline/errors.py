"""Error classes the CLI turns into one clear line and a non-zero exit."""


class PipelineError(Exception):
    """A problem the user can act on; its message is shown as is."""


class ConfigError(PipelineError):
    """A game file, config file or option that cannot be used."""


class SourceError(PipelineError):
    """A source that cannot be read at all: nothing is written."""
