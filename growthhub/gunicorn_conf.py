"""Gunicorn settings Growth Hub runs with: ``gunicorn --config python:growthhub.gunicorn_conf growthhub.wsgi``.

Only what every deployment needs lives here; bind address, workers and log files stay on the command line.
"""

# Access and error lines without tokens, client secrets, OAuth codes, cookies or credential headers.
logger_class = "growthhub.gunicorn_logging.RedactingLogger"
