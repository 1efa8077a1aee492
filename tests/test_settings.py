"""Production settings: with the environment an operator sets, Django's deployment checks find nothing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from platforms.constants import ALL_PLATFORMS, SHOPIFY

BASE_DIR = Path(__file__).resolve().parent.parent


# What the test run itself sets, which a production process never has.
TEST_ONLY_VARIABLES = {
    "DEBUG",
    "GROWTHHUB_TESTING",
    "GROWTHHUB_TEST_RUN_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
}


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TEST_ONLY_VARIABLES and not key.startswith("PYTEST")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "growthhub.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "hub.example.com",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "GROWTHHUB_VAR_DIR": str(tmp_path / "var"),
            **_real_credentials(),
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def _real_credentials() -> dict[str, str]:
    """An app's client id and secret at every platform, as an operator sets them for live mode."""
    credentials = {}
    for slug in (*ALL_PLATFORMS, SHOPIFY):
        credentials[f"{slug.upper()}_CLIENT_ID"] = f"live-app-{slug}"
        credentials[f"{slug.upper()}_CLIENT_SECRET"] = secrets.token_urlsafe(24)
    credentials["GOOGLE_ADS_DEVELOPER_TOKEN"] = secrets.token_urlsafe(16)
    return credentials


def _without_credentials() -> dict[str, str]:
    """Overrides that unset every platform's credentials (an empty value is dropped from the environment)."""
    return dict.fromkeys(_real_credentials(), "")


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_deployment_checks_pass_with_production_values(tmp_path):
    # given the environment of a production deployment (DEBUG unset)
    env = _production_env(tmp_path)
    # when Django's deployment checks run
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    # then they report nothing
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_a_weak_secret_key_is_reported(tmp_path):
    result = _manage(_production_env(tmp_path, SECRET_KEY="short"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 1
    assert "security.W009" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        pytest.param("SECRET_KEY", "The environment variable SECRET_KEY is required when DEBUG is off.", id="no key"),
        pytest.param(
            "FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS is required when DEBUG is off.", id="no encryption keys"
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing, message):
    result = _manage(_production_env(tmp_path, **{missing: ""}), "check")
    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_live_mode_refuses_to_start_on_the_built_in_sandbox_credentials(tmp_path):
    # given a production environment in live mode (the default without DEBUG) that sets no platform credentials
    env = _production_env(tmp_path, **_without_credentials())
    assert "PLATFORM_MODE" not in env
    # when Django starts
    result = _manage(env, "check")
    # then it refuses, naming the variables of every platform
    assert result.returncode == 1
    assert (
        "django.core.exceptions.ImproperlyConfigured: PLATFORM_MODE is 'live' but these platforms still have the "
        "built-in sandbox credentials: TIKTOK_CLIENT_ID / TIKTOK_CLIENT_SECRET, INSTAGRAM_CLIENT_ID / "
        "INSTAGRAM_CLIENT_SECRET, PINTEREST_CLIENT_ID / PINTEREST_CLIENT_SECRET, X_CLIENT_ID / X_CLIENT_SECRET, "
        "META_ADS_CLIENT_ID / META_ADS_CLIENT_SECRET, GOOGLE_ADS_CLIENT_ID / GOOGLE_ADS_CLIENT_SECRET, "
        "TIKTOK_ADS_CLIENT_ID / TIKTOK_ADS_CLIENT_SECRET, SHOPIFY_CLIENT_ID / SHOPIFY_CLIENT_SECRET, "
        "GOOGLE_ADS_DEVELOPER_TOKEN. Set each to your app's client id and secret at that platform (and Google Ads' "
        "developer token), or set PLATFORM_MODE=sandbox."
    ) in result.stderr
    # and no check ran
    assert "System check identified" not in result.stdout


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"PINTEREST_CLIENT_SECRET": ""}, id="secret unset"),
        pytest.param({"PINTEREST_CLIENT_ID": "growthhub-pinterest"}, id="id left at the built-in value"),
        pytest.param({"PINTEREST_CLIENT_SECRET": "growthhub-pinterest-secret"}, id="secret left at the built-in value"),
    ],
)
def test_live_mode_names_only_the_platform_still_on_sandbox_credentials(tmp_path, override):
    # given a live production environment where every platform but Pinterest has its app's credentials
    env = _production_env(tmp_path, PLATFORM_MODE="live", **override)
    # when Django starts
    result = _manage(env, "check")
    # then it refuses, naming Pinterest's variables alone
    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: PLATFORM_MODE is 'live' but these platforms still have the built-in sandbox "
        "credentials: PINTEREST_CLIENT_ID / PINTEREST_CLIENT_SECRET. Set each"
    ) in result.stderr
    assert "System check identified" not in result.stdout


def test_sandbox_mode_starts_on_the_built_in_credentials(tmp_path):
    # given a production environment pointed at the sandbox, with no platform credentials set
    env = _production_env(tmp_path, PLATFORM_MODE="sandbox", **_without_credentials())
    # when Django starts and reads the credentials
    result = _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.PLATFORM_CREDENTIALS['x'])",
    )
    # then it starts on the sandbox's app
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'client_id': 'growthhub-x', 'client_secret': 'growthhub-x-secret'}"


def test_live_mode_reads_each_platform_s_credentials_from_the_environment(tmp_path):
    # given a live production environment with real credentials for every platform
    env = _production_env(tmp_path, PLATFORM_MODE="live")
    # when Django starts and reads the credentials
    result = _manage(
        env, "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.PLATFORM_CREDENTIALS)"
    )
    # then every platform of the registry has its pair from the environment
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        {
            slug: {"client_id": env[f"{slug.upper()}_CLIENT_ID"], "client_secret": env[f"{slug.upper()}_CLIENT_SECRET"]}
            for slug in (*ALL_PLATFORMS, SHOPIFY)
        }
    )


@pytest.mark.parametrize(
    "token",
    [pytest.param("", id="token unset"), pytest.param("growthhub-sandbox-developer-token", id="the sandbox's")],
)
def test_live_mode_refuses_to_start_without_a_google_ads_developer_token(tmp_path, token):
    # given a live production environment with every app's credentials but no developer token of its own
    env = _production_env(tmp_path, PLATFORM_MODE="live", GOOGLE_ADS_DEVELOPER_TOKEN=token)
    # when Django starts
    result = _manage(env, "check")
    # then it refuses, naming the developer token alone (every Google Ads call would be refused without it)
    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: PLATFORM_MODE is 'live' but these platforms still have the built-in sandbox "
        "credentials: GOOGLE_ADS_DEVELOPER_TOKEN. Set each"
    ) in result.stderr
    assert "System check identified" not in result.stdout
