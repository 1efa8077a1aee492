"""Imports of a store's history from files merchants already have (Shopify's CSV exports)."""
