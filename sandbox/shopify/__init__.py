"""The sandbox Shopify: shops under /sandbox/shopify/<shop>/ with the Admin GraphQL API, the app install, bulk
operations and signed webhooks."""
