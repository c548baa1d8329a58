"""`[core] hostname_callable` for the test's Celery workers.

Both workers run on this one machine, so the default (the FQDN) would record the same hostname
for every task instance. Each worker's environment names it; the task supervisor reports this
name to the api-server, which stores it in task_instance.hostname.
"""

import os
import socket


def hostname() -> str:
    return os.environ.get("DRAWPIPE_WORKER_NAME") or socket.getfqdn()
