"""How a page answers htmx: the whole page or only its fragment, and how a refused htmx request shows its message.

``render_page_or_fragment`` is the one place that chooses between a page and its partial: a view names its
template and the ``{% partialdef %}`` that htmx swaps, and gets the fragment for an htmx request, the whole page
otherwise.

htmx swaps a 4xx answer like a 2xx one (``responseHandling`` in the ``htmx-config`` meta of ``base.html``; not
flagged as an error, so htmx logs no console error for a refusal the page shows), so every 4xx that an htmx
request gets must be one of two things:

- the re-rendered fragment of the element that sent it, with the errors inline next to the fields (the store
  settings, members and API keys panels do this), swapped into the request's own target; or
- the error partial, retargeted to the page's ``#messages`` region (``role="alert"``), leaving the form that sent
  it, its input and its focus untouched. ``htmx_error_response`` builds it; ``ApplicationErrorMiddleware`` sends
  it for every ``ApplicationError`` and turns any other 4xx answer (Django's 403, 404 and 405 pages, a CSRF
  failure, an empty body) into it, so no view can answer an htmx request with something that would land a whole
  page inside a table row or show nothing at all.

A 4xx never enters the browser history (``HX-Push-Url: false``). A 5xx is not swapped: ``static/js/app.js``
shows a generic message in ``#messages`` instead. A signed-out htmx request is sent, whole page, to the sign-in
page (``htmx_sign_in_redirect``) rather than having the sign-in form swapped into a table row.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url

MESSAGES_REGION = "#messages"

# What a person reads when a 4xx answer carried no message of its own (a framework page, an empty body).
STATUS_MESSAGES = {
    400: "That request could not be read. Check what you entered and try again.",
    403: "Your role in this store does not allow this.",
    404: "That item was not found in this store. Reload the page to see what is current.",
    405: "That action is not available here.",
    409: "That change collides with the current state. Reload the page and try again.",
    413: "What you sent is too large.",
    415: "That kind of content is not accepted here.",
    429: "Too many requests. Try again in a minute.",
}
CSRF_FAILURE_MESSAGE = "This page has expired. Reload it and try again."
FALLBACK_MESSAGE = "That could not be done. Reload the page and try again."


def render_page_or_fragment(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """``template#partial`` (django-template-partials) when htmx asks, else the whole ``template``."""
    name = f"{template}#{partial}" if getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


def htmx_error_response(*, request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """The error partial with ``message``, sent to the ``#messages`` region instead of the request's target."""
    response = render(request, "partials/error.html", {"error": {"message": message}}, status=status)
    response["HX-Retarget"] = MESSAGES_REGION
    response["HX-Reswap"] = "innerHTML"
    response["HX-Push-Url"] = "false"
    return response


def _is_fragment(response: HttpResponse) -> bool:
    """An HTML answer that is a piece of a page (a partial), not a whole document or something else."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    head = response.content.lstrip()[:1024].lower()
    return bool(head) and not head.startswith(b"<!doctype") and b"<html" not in head


def _status_message(*, request: HttpRequest, status: int) -> str:
    if status == 403 and not getattr(request, "csrf_processing_done", False):
        # CsrfViewMiddleware marks every request it accepts; a 403 without that mark is its refusal.
        return CSRF_FAILURE_MESSAGE
    return STATUS_MESSAGES.get(status, FALLBACK_MESSAGE)


def htmx_error_normalize(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Make a 4xx answer to an htmx request one that htmx can show (see the module docstring).

    An answer already retargeted, or a fragment meant for the request's own target, is kept (and kept out of the
    history); anything else is replaced by the error partial in ``#messages`` with a message for its status.
    """
    if response.has_header("HX-Retarget") or _is_fragment(response):
        response["HX-Push-Url"] = "false"
        return response
    status = response.status_code
    replacement = htmx_error_response(
        request=request, message=_status_message(request=request, status=status), status=status
    )
    if response.has_header("Allow"):
        replacement["Allow"] = response["Allow"]  # a 405 names the methods it takes
    return replacement


def htmx_sign_in_redirect(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A redirect of an htmx request to the sign-in page becomes ``HX-Redirect`` of the whole page, coming back to
    the page the person was on; any other answer is returned as it is.

    The browser follows a redirect of htmx's request by itself, so without this the sign-in page would be swapped
    into the fragment that asked (a table row, a tab) and its form would post from there.
    """
    if response.status_code not in (301, 302, 303, 307, 308):
        return response
    sign_in = resolve_url(settings.LOGIN_URL)
    if urlsplit(response.get("Location", "")).path != sign_in:
        return response
    here = request.htmx.current_url_abs_path or "/hub/"
    replacement = HttpResponse(status=204)
    replacement["HX-Redirect"] = redirect_to_login(here, sign_in)["Location"]
    return replacement
