"""Driving a consent through the sandbox: our side with the Django test client, the platform's side with requests.

The connect POST answers a redirect to the sandbox's consent page on the live server; ``requests`` loads it and
posts Allow or Deny like a browser; the sandbox redirects to our callback, which the test client then follows.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.test import Client
from django.urls import reverse

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
ACCOUNT = re.compile(r'<input type="radio" name="account" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Consent:
    consent_url: str
    callback_url: str  # where the sandbox sent the browser back (path and query, on our side)
    sandbox_status: int


def start_connect(client: Client, platform: str) -> str:
    """POST connect; returns the sandbox consent URL we were redirected to."""
    response = client.post(reverse("stores:connection_connect", args=[platform]))
    assert response.status_code == 302, response.content
    return response["Location"]


def consent(consent_url: str, *, decision: str = "allow", account_index: int = 0) -> Consent:
    """Load the consent page and answer it; returns where the sandbox redirects the browser."""
    browser = requests.Session()
    page = browser.get(consent_url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    fields["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
    fields["account"] = ACCOUNT.findall(page.text)[account_index]
    fields["decision"] = decision
    parts = urlsplit(consent_url)
    answer = browser.post(
        f"{parts.scheme}://{parts.netloc}{parts.path}", data=fields, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text[:500]
    location = urlsplit(answer.headers["Location"])
    return Consent(consent_url, f"{location.path}?{location.query}", answer.status_code)


def connect(client: Client, platform: str, *, decision: str = "allow", account_index: int = 0, follow: bool = False):
    """Connect through the sandbox and return the callback response."""
    answered = consent(start_connect(client, platform), decision=decision, account_index=account_index)
    return client.get(answered.callback_url, follow=follow)
