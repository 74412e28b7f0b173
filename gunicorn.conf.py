"""How gunicorn serves govhall in production (read from the working directory: `gunicorn config.wsgi`).

Threaded workers (gthread): each worker process serves GUNICORN_THREADS requests at once, so a slow request
(a large export, a PDF, a slow query) holds one thread, not the process: /healthz and the other pages keep
answering beside it. Sync workers serve one request each; with a handful of them, as many slow requests
starve everyone (docs/decisions.md, "Serving"). Django keeps one database connection per thread
(CONN_MAX_AGE), so the database sees up to workers x threads connections.

Every value can be set in the environment (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS, GUNICORN_ACCESS_LOG, GUNICORN_CONTROL_SOCKET) or overridden on the
command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(max(2, multiprocessing.cpu_count()))))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request that runs longer than this is a fault: its worker is restarted (and the traceback logged).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that no slow leak grows without bound; staggered, not all at once.
# GUNICORN_MAX_REQUESTS=0 never recycles (the benchmarks, so that a measure holds no worker's restart).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The access log goes to standard output; GUNICORN_ACCESS_LOG="" turns it off (the benchmarks do).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Gunicorn's control socket (the `gunicornc` tool: worker counts, reload, shutdown) only where
# GUNICORN_CONTROL_SOCKET names its path. Its default path is one per user account, so a second server on the
# host (a staging copy, a second centre) could not open it and logged an error at every start; and a socket
# that can stop the server is opened when someone asks for it, not by default.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
