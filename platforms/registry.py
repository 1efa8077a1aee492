"""Every platform's descriptor, by slug. Explicit: adding a platform means adding its package to this list."""

from platforms import google_ads, instagram, meta_ads, pinterest, shopify, tiktok, tiktok_ads, woocommerce, x
from platforms.content import PlatformLimits
from platforms.descriptor import ADS, SOCIAL, PlatformDescriptor, StorePlatformDescriptor
from platforms.oauth import OAuthPlatform

PLATFORMS: dict[str, PlatformDescriptor] = {
    package.DESCRIPTOR.slug: package.DESCRIPTOR
    for package in (tiktok, instagram, pinterest, x, meta_ads, google_ads, tiktok_ads)
}

# The store platforms (the merchant's catalogue, customers and orders), by slug.
STORE_PLATFORM_DESCRIPTORS: dict[str, StorePlatformDescriptor] = {
    d.slug: d for d in (shopify.DESCRIPTOR, woocommerce.DESCRIPTOR)
}


def platform(slug: str) -> PlatformDescriptor:
    """The descriptor of ``slug`` (KeyError for an unknown slug)."""
    return PLATFORMS[slug]


def store_platform(slug: str) -> StorePlatformDescriptor:
    """The descriptor of store platform ``slug`` (KeyError for an unknown slug)."""
    return STORE_PLATFORM_DESCRIPTORS[slug]


def oauth_platform(slug: str) -> OAuthPlatform:
    """A fresh OAuth client for ``slug`` (KeyError for an unknown slug)."""
    return PLATFORMS[slug].oauth_class()


def social_platforms() -> tuple[PlatformDescriptor, ...]:
    """The organic platforms, in the registry's order."""
    return tuple(d for d in PLATFORMS.values() if d.kind == SOCIAL)


def ad_platforms() -> tuple[PlatformDescriptor, ...]:
    """The ad platforms, in the registry's order."""
    return tuple(d for d in PLATFORMS.values() if d.kind == ADS)


def platform_limits(slug: str) -> PlatformLimits:
    """The content limits of organic platform ``slug`` (KeyError for an unknown or an ad platform)."""
    limits = PLATFORMS[slug].limits
    if limits is None:
        raise KeyError(slug)
    return limits
