"""Production settings: with the environment an operator sets, Django's deployment checks find nothing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

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
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


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
