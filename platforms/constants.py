"""Platform slugs and kinds: the only part of the project the sandbox may import."""

TIKTOK = "tiktok"
INSTAGRAM = "instagram"
PINTEREST = "pinterest"
X = "x"
META_ADS = "meta_ads"
GOOGLE_ADS = "google_ads"
TIKTOK_ADS = "tiktok_ads"

SHOPIFY = "shopify"
WOOCOMMERCE = "woocommerce"

SOCIAL_PLATFORMS = (TIKTOK, INSTAGRAM, PINTEREST, X)
AD_PLATFORMS = (META_ADS, GOOGLE_ADS, TIKTOK_ADS)
# The seven marketing platforms (social and ads): the ones posts and campaigns go to.
ALL_PLATFORMS = SOCIAL_PLATFORMS + AD_PLATFORMS
# The store platforms the merchant's catalogue, customers and orders come from.
STORE_PLATFORMS = (SHOPIFY, WOOCOMMERCE)
# Everything a store can hold a PlatformConnection to.
CONNECTABLE_PLATFORMS = ALL_PLATFORMS + STORE_PLATFORMS

PLATFORM_NAMES = {
    TIKTOK: "TikTok",
    INSTAGRAM: "Instagram",
    PINTEREST: "Pinterest",
    X: "X",
    META_ADS: "Meta Ads",
    GOOGLE_ADS: "Google Ads",
    TIKTOK_ADS: "TikTok Ads",
    SHOPIFY: "Shopify",
    WOOCOMMERCE: "WooCommerce",
}

# ISO 4217 minor-unit exponents that differ from the usual 2: how many decimals an amount in that currency has.
# Money is kept in minor units everywhere (stores.money); the platform edge converts with the same table.
CURRENCY_EXPONENTS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF")
        + ("XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4,
    "UYW": 4,
}
DEFAULT_CURRENCY_EXPONENT = 2


def currency_exponent(code: str) -> int:
    """Decimals of currency ``code`` (ISO 4217): JPY 0, USD 2, KWD 3; 2 for any code not listed."""
    return CURRENCY_EXPONENTS.get(code.upper(), DEFAULT_CURRENCY_EXPONENT)


MICROS_PER_UNIT = 1_000_000  # Google Ads money: one million micros are one unit of the account currency


def micros_per_minor(code: str) -> int:
    """Micros in one minor unit of currency ``code``: 10 000 for USD, 1 000 000 for JPY, 1 000 for KWD."""
    return MICROS_PER_UNIT // 10 ** currency_exponent(code)
