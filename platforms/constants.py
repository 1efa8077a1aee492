"""Platform slugs and kinds: the only part of the project the sandbox may import."""

TIKTOK = "tiktok"
INSTAGRAM = "instagram"
PINTEREST = "pinterest"
X = "x"
META_ADS = "meta_ads"
GOOGLE_ADS = "google_ads"
TIKTOK_ADS = "tiktok_ads"

SOCIAL_PLATFORMS = (TIKTOK, INSTAGRAM, PINTEREST, X)
AD_PLATFORMS = (META_ADS, GOOGLE_ADS, TIKTOK_ADS)
ALL_PLATFORMS = SOCIAL_PLATFORMS + AD_PLATFORMS

PLATFORM_NAMES = {
    TIKTOK: "TikTok",
    INSTAGRAM: "Instagram",
    PINTEREST: "Pinterest",
    X: "X",
    META_ADS: "Meta Ads",
    GOOGLE_ADS: "Google Ads",
    TIKTOK_ADS: "TikTok Ads",
}
