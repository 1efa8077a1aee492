"""Each sandbox path is served by one view: the OAuth routes (account reads) and the organic platforms' routes
never define the same path twice, so what a client reads does not depend on which module Django tried first."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from sandbox.oauth import urls as oauth_urls
from sandbox.social import urls as social_urls

# Values tried for a path's variable parts: a numeric id, a Graph or Google Ads version, an alphanumeric id.
SAMPLES = ("17841400000000001", "v25.0", "v25", "abc123")


def sample_path(pattern: URLPattern) -> str | None:
    """A concrete path the pattern matches, or None when no sample value fits its variables."""
    path = pattern.pattern.regex.pattern
    for group in re.findall(r"\(\?P<\w+>[^)]*\)", path):
        inner = re.sub(r"^\(\?P<\w+>|\)$", "", group)
        value = next((v for v in SAMPLES if re.fullmatch(inner, v)), None)
        if value is None:
            return None
        path = path.replace(group, value, 1)
    path = path.lstrip("^").removesuffix("$").replace("/?", "/").replace("\\Z", "").replace("\\", "")
    return path if pattern.pattern.regex.match(path) else None


def matches(patterns: list[URLPattern | URLResolver], path: str) -> bool:
    return any(p.pattern.regex.match(path) for p in patterns)


@pytest.mark.parametrize(
    ("module", "others"),
    [(social_urls, oauth_urls), (oauth_urls, social_urls)],
    ids=["no organic route is also an OAuth route", "no OAuth route is also an organic route"],
)
def test_no_sandbox_path_is_served_by_both_the_oauth_and_the_organic_routes(module, others):
    # given every route of one module, as a concrete path
    samples = [(p.pattern.regex.pattern, sample_path(p)) for p in module.urlpatterns]

    # when each is matched against the other module's routes
    twice = sorted(path for _, path in samples if path and matches(others.urlpatterns, path))

    # then every route had a sample and none is defined twice
    assert [route for route, path in samples if path is None] == []
    assert twice == []


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/sandbox/x/2/users/me", "sandbox.oauth.views.x_users_me"),
        ("/sandbox/instagram/v25.0/me", "sandbox.oauth.views.instagram_me"),
        ("/sandbox/pinterest/v5/user_account", "sandbox.oauth.views.pinterest_user_account"),
        ("/sandbox/tiktok/v2/user/info/", "sandbox.oauth.views.tiktok_user_info"),
    ],
    ids=["X's users/me", "Instagram's me", "Pinterest's user_account", "TikTok's user info"],
)
def test_account_reads_are_served_by_the_oauth_views(path, view, settings):
    # given the sandbox mounted; when an account-read path is resolved; then the OAuth view answers it
    settings.PLATFORM_MODE = "sandbox"
    assert get_resolver().resolve(path)._func_path == view
