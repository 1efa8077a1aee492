"""The store's own data from its store platform (Shopify, WooCommerce): catalogue, customers, orders and refunds.

``ingest`` writes ``platforms.store_records`` records into the tables (each one transaction, idempotent, never
letting an older record overwrite a newer one), ``compliance`` answers the platforms' privacy asks, ``selectors``
reads revenue, ``webhooks`` receives and processes signed deliveries, ``sync`` drives a ``StoreDataClient``.
"""
