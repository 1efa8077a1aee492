"""Gunicorn settings Growth Hub runs with: ``gunicorn --config python:growthhub.gunicorn_conf growthhub.wsgi``.

The demo (scripts/demo), the systemd unit (deploy/growthhub-web.service) and a hand-run server all get these
defaults; the bind address and log files stay on the command line, and anything given there wins over this file.
Each default can be changed through the environment without editing the command line (see README, Configuration).
"""

import os

# Threaded workers: a request waiting on a platform (an OAuth callback's token exchange, a sandbox call) holds one
# thread, not a whole process, and the worker keeps telling the master it is alive meanwhile.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Well above PLATFORM_HTTP_CONNECT_TIMEOUT + PLATFORM_HTTP_READ_TIMEOUT (5 + 30 s): gunicorn's 30 s default equals
# the read timeout, so a worker waiting on one slow platform call would be killed just before the call gives up.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
# On a stop or restart, requests in progress get this long to finish before their worker is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Several servers on one host (the demo, tests, a second instance) would share gunicorn 27's default control socket
# under ~/.gunicorn; Growth Hub does not use it.
control_socket_disable = True

# Access and error lines without tokens, client secrets, OAuth codes, cookies or credential headers.
logger_class = "growthhub.gunicorn_logging.RedactingLogger"
