"""The demo shop's catalogue and the shapes its trade follows: seasons, hours, channels, names."""

import numpy as np

# (handle, title, category, price, unit cost, inventory, tags, status); prices in cents.
CATALOG: list[tuple[str, str, str, int, int, int, list[str], str]] = [
    ("merino-trail-tee", "Merino Trail Tee", "Apparel", 3800, 1350, 420, ["merino", "hiking"], "active"),
    ("ridgeline-fleece", "Ridgeline Fleece Jacket", "Apparel", 8900, 3100, 260, ["fleece", "layering"], "active"),
    ("summit-down-parka", "Summit Down Parka", "Apparel", 24900, 9800, 85, ["down", "winter"], "active"),
    ("trailhead-hoodie", "Trailhead Hoodie", "Apparel", 6400, 2200, 310, ["cotton", "everyday"], "active"),
    ("alpine-base-layer", "Alpine Base Layer Set", "Apparel", 7200, 2600, 190, ["merino", "winter"], "active"),
    ("coastal-rain-shell", "Coastal Rain Shell", "Apparel", 14900, 5400, 140, ["waterproof", "rain"], "active"),
    ("canyon-shorts", "Canyon Hiking Shorts", "Apparel", 4800, 1600, 280, ["summer", "hiking"], "active"),
    ("heritage-flannel", "Heritage Flannel Shirt (2025)", "Apparel", 5900, 2100, 0, ["flannel"], "archived"),
    ("switchback-runner", "Switchback Trail Runner", "Footwear", 13900, 5200, 175, ["running", "trail"], "active"),
    ("granite-mid-boot", "Granite Mid Hiking Boot", "Footwear", 18900, 7300, 120, ["boots", "waterproof"], "active"),
    ("riverbed-sandal", "Riverbed Sandal", "Footwear", 5900, 1900, 230, ["summer", "water"], "active"),
    ("camp-slip-on", "Camp Slip-On", "Footwear", 6900, 2300, 160, ["camp", "comfort"], "active"),
    ("tundra-winter-boot", "Tundra Winter Boot", "Footwear", 21900, 8600, 70, ["winter", "boots"], "active"),
    ("crag-approach-shoe", "Crag Approach Shoe", "Footwear", 14900, 5600, 95, ["climbing", "trail"], "active"),
    ("ultralight-2p-tent", "Ultralight 2P Tent", "Outdoor Gear", 34900, 14200, 60, ["camping", "tent"], "active"),
    ("ember-sleeping-bag", "Ember 20° Sleeping Bag", "Outdoor Gear", 22900, 8900, 75, ["camping", "down"], "active"),
    ("trek-45-backpack", "Trek 45L Backpack", "Outdoor Gear", 17900, 6400, 110, ["backpacking"], "active"),
    ("summit-22-daypack", "Summit 22L Daypack", "Outdoor Gear", 8900, 3000, 240, ["hiking", "pack"], "active"),
    ("carbon-poles", "Carbon Trekking Poles", "Outdoor Gear", 12900, 4700, 130, ["hiking", "carbon"], "active"),
    ("beacon-headlamp", "Beacon 400 Headlamp", "Outdoor Gear", 4500, 1500, 380, ["camping", "light"], "active"),
    ("firefly-stove-kit", "Firefly Stove Kit", "Outdoor Gear", 7900, 2900, 150, ["camping", "cooking"], "active"),
    ("drift-hammock", "Drift Packable Hammock", "Outdoor Gear", 6900, 2200, 200, ["camping", "summer"], "active"),
    ("aurora-bivy", "Aurora Storm Bivy", "Outdoor Gear", 19900, 7800, 40, ["new", "shelter"], "draft"),
    ("merino-beanie", "Merino Beanie", "Accessories", 2900, 900, 520, ["merino", "winter", "gift"], "active"),
    ("trail-socks-3-pack", "Merino Trail Socks 3-Pack", "Accessories", 2800, 950, 900, ["merino", "gift"], "active"),
    ("trail-sunglasses", "Polarized Sunglasses", "Accessories", 7900, 2400, 210, ["summer", "eyewear"], "active"),
    ("insulated-bottle", "Insulated Bottle 1L", "Accessories", 3400, 1000, 640, ["hydration", "gift"], "active"),
    ("liner-gloves", "Touchscreen Liner Gloves", "Accessories", 3200, 1000, 330, ["winter", "gift"], "active"),
    ("trucker-cap", "Canvas Trucker Cap", "Accessories", 2600, 700, 450, ["everyday", "summer"], "active"),
    ("dry-bag-10l", "Roll-Top Dry Bag 10L", "Accessories", 2400, 700, 380, ["water", "travel"], "active"),
    ("wool-camp-blanket", "Wool Camp Blanket", "Home", 11900, 4300, 140, ["wool", "cabin", "gift"], "active"),
    ("enamel-mug-set", "Enamel Mug Set of 4", "Home", 3600, 1100, 300, ["camp", "kitchen", "gift"], "active"),
    ("cedar-pine-candle", "Cedar & Pine Candle", "Home", 2800, 700, 500, ["cabin", "gift"], "active"),
    ("trail-map-print", "National Parks Map Print", "Home", 4500, 1200, 260, ["decor", "gift"], "active"),
    ("cast-iron-skillet", "Cast Iron Camp Skillet", "Home", 5200, 1900, 220, ["camp", "kitchen"], "active"),
    ("pour-over-kit", "Pour-Over Camp Coffee Kit", "Home", 6400, 2100, 180, ["coffee", "gift"], "active"),
    ("trail-mix-box", "Trail Mix Variety Box", "Nutrition", 2400, 900, 700, ["snacks", "hiking"], "active"),
    ("electrolyte-mix", "Electrolyte Drink Mix 30ct", "Nutrition", 3200, 1000, 820, ["hydration"], "active"),
    ("protein-bars-12", "Summit Protein Bars 12ct", "Nutrition", 2900, 1100, 760, ["snacks", "protein"], "active"),
    ("freeze-dried-meals", "Freeze-Dried Meals 4-Pack", "Nutrition", 4400, 1800, 410, ["camping", "food"], "active"),
]
CATEGORIES = ["Apparel", "Footwear", "Outdoor Gear", "Accessories", "Home", "Nutrition"]
# Demand by category and calendar month (Jan..Dec): jackets in winter, tents in summer, gifts in December.
CATEGORY_SEASON = np.array(
    [
        [1.20, 1.00, 0.90, 0.85, 0.80, 0.70, 0.70, 0.80, 1.00, 1.20, 1.35, 1.40],
        [0.80, 0.85, 1.10, 1.25, 1.20, 1.05, 1.00, 1.05, 1.15, 1.05, 0.90, 0.90],
        [0.50, 0.60, 0.90, 1.20, 1.45, 1.60, 1.60, 1.35, 1.00, 0.70, 0.80, 0.90],
        [0.90, 0.85, 0.90, 0.95, 1.00, 1.05, 1.05, 1.00, 0.95, 1.00, 1.30, 1.60],
        [0.90, 0.85, 0.80, 0.80, 0.85, 0.80, 0.80, 0.85, 0.95, 1.10, 1.35, 1.60],
        [1.40, 1.10, 1.00, 1.00, 1.05, 1.15, 1.20, 1.10, 1.00, 0.95, 0.85, 0.80],
    ]
)
# Store-wide demand by month, taken at mid-month and interpolated: January slump, summer bump, holiday peak.
MONTH_DEMAND = [0.72, 0.78, 0.92, 0.98, 1.02, 1.10, 1.18, 1.08, 0.95, 1.00, 1.30, 1.75]
# Local hour of day profiles; weekends peak at midday, weekdays at lunch and in the evening.
WEEKDAY_HOURS = [0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.00, 1.05]
WEEKDAY_HOURS += [1.15, 1.10, 1.00, 0.95, 0.95, 1.00, 1.10, 1.30, 1.45, 1.35, 1.00, 0.55]
WEEKEND_HOURS = [0.35, 0.22, 0.14, 0.10, 0.08, 0.10, 0.18, 0.35, 0.60, 0.90, 1.20, 1.35]
WEEKEND_HOURS += [1.40, 1.40, 1.35, 1.25, 1.15, 1.10, 1.10, 1.15, 1.20, 1.10, 0.85, 0.55]
WEEKDAY_DEMAND = [1.05, 1.00, 0.98, 0.97, 0.92, 1.12, 1.18]  # Monday..Sunday
SEASONS = ["winter-sale", "winter-sale", "spring-trail", "spring-trail", "spring-trail", "summer-camp"]
SEASONS += ["summer-camp", "summer-camp", "fall-layers", "fall-layers", "bfcm", "holiday-gifts"]
# How an order arrived: (utm_source, utm_medium, referrer, click id parameter, share of orders).
CHANNELS: list[tuple[str, str, str, str, float]] = [
    ("", "", "", "", 0.24),
    ("", "", "https://www.google.com/", "", 0.14),
    ("", "", "https://www.bing.com/", "", 0.02),
    ("", "", "https://duckduckgo.com/", "", 0.01),
    ("instagram", "social", "https://l.instagram.com/", "", 0.09),
    ("meta_ads", "paid_social", "https://l.instagram.com/", "fbclid", 0.06),
    ("facebook", "social", "https://l.facebook.com/", "", 0.04),
    ("meta_ads", "paid_social", "https://l.facebook.com/", "fbclid", 0.07),
    ("tiktok", "social", "https://www.tiktok.com/", "", 0.08),
    ("tiktok_ads", "paid_social", "https://www.tiktok.com/", "ttclid", 0.05),
    ("pinterest", "social", "https://www.pinterest.com/", "", 0.05),
    ("x", "social", "https://t.co/", "", 0.02),
    ("google_ads", "cpc", "https://www.google.com/", "gclid", 0.08),
    ("newsletter", "email", "", "", 0.05),
]
CLICK_ID_PREFIX = {"gclid": "Cj0KCQiA", "fbclid": "IwAR", "ttclid": "E.C.P."}
FIRST_NAMES = (  # noqa: SIM905 - a word list reads best as words
    "Olivia Liam Emma Noah Ava Elijah Sophia Mateo Isabella Lucas Mia Levi Amelia Ezra Harper James Evelyn Luca  "
    "Abigail Asher Emily Leo Ella Kai Avery Jack Sofia Aiden Camila Owen Aria Ethan Scarlett Daniel Luna Henry  "
    "Chloe Maya Wyatt Priya Omar Grace Hiro Nora Diego Zoe Samuel Leila Arjun Hannah Felix Ines Theo Ruby Jonah"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads best as words
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson  "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis  "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera  "
    "Campbell Mitchell Carter Roberts Patel Kim Okafor Schmidt Rossi Novak Haddad Tanaka Larsen Murphy"
).split()
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
SEARCH_TERMS = {
    "Apparel": "merino base layer",
    "Footwear": "waterproof hiking boots",
    "Outdoor Gear": "ultralight backpacking gear",
    "Accessories": "hiking gifts",
    "Home": "cabin decor gifts",
    "Nutrition": "trail snacks",
}
