"""`python -m pipeline <step>`: run one step, print its JSON line, exit with its code.

The process ends without the interpreter's final teardown. Freeing every module object after
a Great Expectations import costs 2-3 s of CPU (measured 8.3 -> 6.0 CPU s for import, context
and exit), paid by every task of every nightly run, for memory the OS reclaims anyway. Exit
handlers registered by anything else still run first (atexit is last-in, first-out and this
one is registered first), and standard streams are flushed; connections are closed by the
steps' own context managers before main() returns.
"""

import atexit
import os
import sys

_exit_code = [1]  # an uncaught exception ends the process with Python's usual 1


def _exit_without_teardown() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or broken pipe: nothing more can be written
            pass
    os._exit(_exit_code[0])


atexit.register(_exit_without_teardown)


def _redacted_excepthook(kind, value, tb) -> None:
    """An uncaught exception is a bug and keeps its traceback, with every password masked."""
    import traceback

    from pipeline.redact import redact

    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write("error: interrupted\n")
        return
    sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))


sys.excepthook = _redacted_excepthook

from pipeline.cli import main  # noqa: E402 - after the handler, so it runs after all others

try:
    _exit_code[0] = main()
except SystemExit as exc:  # argparse's exit: 2 with its message already printed
    code = exc.code
    _exit_code[0] = code if isinstance(code, int) else (0 if code is None else 1)
    raise
except KeyboardInterrupt:
    _exit_code[0] = 130  # the shell's code for SIGINT; the hook prints one line
    raise
sys.exit(_exit_code[0])
