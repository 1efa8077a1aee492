"""Template context that depends on how this server is configured."""

from django.conf import settings
from django.http import HttpRequest

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def email_delivery(request: HttpRequest) -> dict[str, bool]:
    """Whether e-mails are printed to the log rather than sent, so "check your email" can say where to look."""
    return {"emails_printed_to_log": settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND}
