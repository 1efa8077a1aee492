"""The Admin GraphQL documents the Shopify client sends (API version ``graphql.API_VERSION``).

Field names follow shopify.dev's object pages: https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop,
.../Product, .../ProductVariant, .../InventoryItem, .../Customer, .../Order, .../LineItem, .../Refund,
.../CustomerJourneySummary, .../CustomerVisit, .../BulkOperation; mutations .../bulkOperationRunQuery and
.../webhookSubscriptionCreate. Money is read in ``shopMoney`` (the shop's currency), never the presentment one.
"""

SHOP_QUERY = """
query Shop {
  shop { id name myshopifyDomain currencyCode ianaTimezone primaryDomain { url } }
}
"""

_MONEY = "shopMoney { amount currencyCode }"

VARIANT_FIELDS = """
  id title sku price compareAtPrice inventoryQuantity
  inventoryItem { id tracked unitCost { amount currencyCode } }
"""

# A query may request at most 1000 cost points (a connection costs 2 + first x its node's cost), so pages are small
# and the nested connections take a first slice; a product with more variants (an order with more lines) has the
# rest read by PRODUCT_VARIANTS_QUERY (ORDER_LINES_QUERY) from the slice's endCursor.
PRODUCTS_PAGE_SIZE = 10
NESTED_SLICE = 25

PRODUCT_FIELDS = f"""
  id title handle status description productType tags onlineStoreUrl updatedAt
  featuredMedia {{ preview {{ image {{ url }} }} }}
  variants(first: {NESTED_SLICE}) {{ nodes {{ {VARIANT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
"""

PRODUCTS_QUERY = f"""
query Products($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ {PRODUCT_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

PRODUCT_VARIANTS_QUERY = f"""
query ProductVariants($id: ID!, $first: Int!, $after: String) {{
  product(id: $id) {{
    variants(first: $first, after: $after) {{ nodes {{ {VARIANT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
  }}
}}
"""

CUSTOMERS_QUERY = """
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id createdAt updatedAt firstName lastName
      defaultEmailAddress { emailAddress marketingState }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# The order fields every read takes (paged sync, one order, bulk backfill); connections are added by each query.
ORDER_FIELDS = f"""
  id name createdAt processedAt updatedAt cancelledAt test currencyCode displayFinancialStatus
  totalPriceSet {{ {_MONEY} }}
  subtotalPriceSet {{ {_MONEY} }}
  totalDiscountsSet {{ {_MONEY} }}
  totalShippingPriceSet {{ {_MONEY} }}
  totalTaxSet {{ {_MONEY} }}
  totalRefundedSet {{ {_MONEY} }}
  discountCodes
  customAttributes {{ key value }}
  customerJourneySummary {{
    ready
    firstVisit {{ landingPage referrerUrl source utmParameters {{ source medium campaign content term }} }}
    lastVisit {{ landingPage referrerUrl source utmParameters {{ source medium campaign content term }} }}
  }}
  customer {{ id defaultEmailAddress {{ emailAddress marketingState }} }}
"""

LINE_ITEM_FIELDS = f"""
  id name sku quantity
  originalUnitPriceSet {{ {_MONEY} }}
  discountedTotalSet {{ {_MONEY} }}
  variant {{ id }}
  product {{ id }}
"""

ORDERS_PAGE_SIZE = 7
ORDER_LINES_SLICE = 10

# Refund lines are not read by the sync (their connection inside the refunds list would break the cost limit); the
# refunds/create webhook carries them.
_PAGED_ORDER = f"""
  {ORDER_FIELDS}
  lineItems(first: {ORDER_LINES_SLICE}) {{ nodes {{ {LINE_ITEM_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
  refunds(first: 10) {{ id createdAt note totalRefundedSet {{ {_MONEY} }} }}
"""

ORDERS_QUERY = f"""
query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{ {_PAGED_ORDER} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

ORDER_QUERY = f"""
query Order($id: ID!) {{
  order(id: $id) {{ {_PAGED_ORDER} }}
}}
"""

ORDER_LINES_QUERY = f"""
query OrderLines($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{
    lineItems(first: $first, after: $after) {{ nodes {{ {LINE_ITEM_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }}
  }}
}}
"""

# The backfill's bulk query: two connections (orders, lineItems), nesting depth 2; refunds are a plain list (no
# refund lines: their connection would be a third level). Bulk queries take no paging arguments.
BULK_ORDERS_QUERY = f"""
{{
  orders(sortKey: CREATED_AT) {{
    edges {{ node {{
      {ORDER_FIELDS}
      refunds {{ id createdAt note totalRefundedSet {{ {_MONEY} }} }}
      lineItems {{ edges {{ node {{ {LINE_ITEM_FIELDS} }} }} }}
    }} }}
  }}
}}
"""

BULK_RUN_MUTATION = """
mutation BulkOrders($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""

BULK_STATUS_QUERY = """
query BulkStatus($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}
"""

WEBHOOK_CREATE_MUTATION = """
mutation WebhookCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""

WEBHOOKS_QUERY = """
query Webhooks($topic: WebhookSubscriptionTopic!) {
  webhookSubscriptions(first: 100, topics: [$topic]) { nodes { id topic uri } }
}
"""
