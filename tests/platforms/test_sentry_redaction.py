"""Errors sent to Sentry carry no credential: the same redaction as the logs, plus headers and cookies."""

from platforms.base import REDACTED, sentry_event_redact


def test_an_error_event_loses_the_callbacks_code_bearer_header_cookies_and_secret_frame_variables():
    # given: an event as sentry-sdk builds it for an error in the OAuth callback
    event = {
        "event_id": "0f1e2d3c",
        "level": "error",
        "request": {
            "url": "https://hub.example.com/stores/northwind/connections/meta_ads/callback",
            "query_string": "code=AQDx9-secret-code&state=s7a7e",
            "headers": {"Authorization": "Bearer EAAB-live-token", "User-Agent": "Mozilla/5.0", "Cookie": "x=1"},
            "cookies": {"sessionid": "abc123"},
        },
        "exception": {
            "values": [
                {
                    "type": "Transient",
                    "value": "GET https://graph.facebook.com/me?access_token=EAAB-live-token failed",
                    "stacktrace": {"frames": [{"vars": {"client_secret": "'app-secret'", "attempt": 2}}]},
                }
            ]
        },
    }

    # when
    scrubbed = sentry_event_redact(event, {})

    # then
    text = repr(scrubbed)
    for secret in ("AQDx9-secret-code", "s7a7e", "EAAB-live-token", "abc123", "app-secret"):
        assert secret not in text
    assert scrubbed["request"]["headers"] == {
        "Authorization": REDACTED,
        "User-Agent": "Mozilla/5.0",
        "Cookie": REDACTED,
    }
    assert "cookies" not in scrubbed["request"]
    assert scrubbed["request"]["query_string"] == f"code={REDACTED}&state={REDACTED}"
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"] == {
        "client_secret": REDACTED,
        "attempt": 2,
    }
    assert scrubbed["event_id"] == "0f1e2d3c"


def test_settings_hand_the_scrubber_to_sentry(monkeypatch):
    # given: a DSN in the environment
    import importlib

    import sentry_sdk

    seen = {}
    monkeypatch.setenv("SENTRY_DSN", "https://public@sentry.example.invalid/1")
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: seen.update(kwargs))

    # when: the settings module is evaluated again
    import growthhub.settings.observability as settings_module

    importlib.reload(settings_module)

    # then
    assert seen["before_send"] is sentry_event_redact
    monkeypatch.delenv("SENTRY_DSN")
    importlib.reload(settings_module)
