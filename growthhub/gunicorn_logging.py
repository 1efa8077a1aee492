"""Gunicorn's logger for Growth Hub: the access and error logs never carry a token, secret, code or cookie.

An access log line is built from request atoms: the request line (``%(r)s``) and query string (``%(q)s``) hold
whatever a client put in the URL (OAuth callbacks carry ``code`` and ``state``; Graph-style clients put
``access_token`` or ``client_secret`` there), headers (``%({authorization}i)s``, ``%({cookie}i)s``) hold
credentials, and the referer or a ``Location`` answer can repeat a URL with a code in it. ``RedactingLogger``
replaces the value of every secret-named parameter in every atom and blanks every credential-carrying header and
environ variable; both gunicorn loggers also pass through ``RedactSecretsFilter``, so an error line such as
"Error handling request /callback?code=..." is redacted as well.

Use it with ``gunicorn --config python:growthhub.gunicorn_conf ...`` (or ``--logger-class
growthhub.gunicorn_logging.RedactingLogger``).
"""

import datetime as dt
from typing import Any

from gunicorn.glogging import Logger

from platforms.base import REDACTED, RedactSecretsFilter, is_secret_name, redact

# Header (and ``HTTP_*`` environ) name words that mark a credential, whatever the value looks like.
_CREDENTIAL_HEADER_WORDS = ("authorization", "cookie", "csrf", "signature", "hmac", "developer_token")


def _is_credential_header(name: str) -> bool:
    lowered = name.lower().replace("-", "_").removeprefix("http_")
    return is_secret_name(lowered) or any(word in lowered for word in _CREDENTIAL_HEADER_WORDS)


class RedactingLogger(Logger):
    """``gunicorn.glogging.Logger`` whose access-log atoms and error-log lines carry no secret."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactSecretsFilter) for existing in log.filters):
                log.addFilter(RedactSecretsFilter())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key.startswith("{") and _is_credential_header(key[1:-2]):
                atoms[key] = REDACTED if value else value
            else:
                atoms[key] = redact(value)
        return atoms
