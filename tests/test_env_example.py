"""deploy/growthhub.env.example names every setting an operator must or may set for a live install: each
platform's app credentials (left empty, to be filled in), the Google Ads developer token and the store webhook
settings, each one a variable README documents, the webhook ones at the value the settings default to."""

import re
from pathlib import Path

from django.conf import settings

from platforms.constants import ALL_PLATFORMS, SHOPIFY

BASE_DIR = Path(__file__).resolve().parent.parent
EXAMPLE = BASE_DIR / "deploy" / "growthhub.env.example"
STORE_WEBHOOK_SETTINGS = (
    "STORE_WEBHOOK_MAX_BYTES",
    "STORE_WEBHOOK_RATE",
    "STORE_WEBHOOK_SWEEP_SECONDS",
    "STORE_WEBHOOK_MAX_ATTEMPTS",
)


def _assignments() -> dict[str, str]:
    """The ``NAME=value`` lines of the example (comments and blank lines skipped), in order."""
    found: dict[str, str] = {}
    for line in EXAMPLE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f"not a NAME=value line: {line!r}"
        assert name not in found, f"{name} is set twice"
        found[name] = value
    return found


def test_the_example_lists_every_platform_credential_pair_with_an_empty_value():
    # given the environment example
    assignments = _assignments()
    # when its platform credentials are looked up
    pairs = [f"{slug.upper()}_{part}" for slug in (*ALL_PLATFORMS, SHOPIFY) for part in ("CLIENT_ID", "CLIENT_SECRET")]
    # then each of the seven platforms' and Shopify's id and secret is there, empty (no secret in version control)
    assert {name: assignments.get(name) for name in pairs} == dict.fromkeys(pairs, "")
    assert assignments.get("GOOGLE_ADS_DEVELOPER_TOKEN") == ""


def test_the_example_sets_the_store_webhook_settings_at_their_defaults():
    # given the environment example
    assignments = _assignments()
    # then every store webhook setting is there, with the value the settings use when it is unset
    assert {name: assignments.get(name) for name in STORE_WEBHOOK_SETTINGS} == {
        name: str(getattr(settings, name)) for name in STORE_WEBHOOK_SETTINGS
    }


def test_every_variable_of_the_example_is_one_readme_documents():
    # given README's settings table and the environment example
    readme = (BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    for slug in (*ALL_PLATFORMS, SHOPIFY):  # README names the pairs once, as "the same pair for ..."
        documented |= {f"{slug.upper()}_CLIENT_ID", f"{slug.upper()}_CLIENT_SECRET"}
    # then the example sets no variable README does not describe
    assert sorted(set(_assignments()) - documented) == []
