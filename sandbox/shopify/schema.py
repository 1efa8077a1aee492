"""The subset of Shopify's Admin GraphQL schema (2026-10) the sandbox serves, in SDL; resolvers are bound in
``sandbox.shopify.resolvers``.

Names, nullability and argument shapes follow shopify.dev's reference pages (objects Shop, Product, ProductVariant,
InventoryItem, Customer, Order, LineItem, Refund, CustomerJourneySummary, CustomerVisit, BulkOperation; mutations
bulkOperationRunQuery and webhookSubscriptionCreate). Fields Shopify has and the hub never reads are left out: a query
naming one fails validation here as an unknown field would at Shopify.
"""

from functools import cache

from graphql import GraphQLSchema, build_schema

SDL = """
scalar DateTime
scalar Money
scalar Decimal
scalar URL
scalar UnsignedInt64

interface Node { id: ID! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

enum CurrencyCode { USD EUR GBP CAD AUD JPY CHF SEK NOK DKK NZD PLN CZK KWD }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

type Domain { id: ID! host: String! url: URL! }

type Shop implements Node {
  id: ID!
  name: String!
  email: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  timezoneAbbreviation: String!
  primaryDomain: Domain!
  url: URL!
}

type Image { url: URL! altText: String }
type MediaPreviewImage { image: Image }
type Media { id: ID! mediaContentType: String! preview: MediaPreviewImage }

enum ProductStatus { ACTIVE DRAFT ARCHIVED }
enum ProductSortKeys { ID TITLE CREATED_AT UPDATED_AT }

type Product implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  status: ProductStatus!
  description: String!
  descriptionHtml: String!
  productType: String!
  tags: [String!]!
  onlineStoreUrl: URL
  createdAt: DateTime!
  updatedAt: DateTime!
  featuredMedia: Media
  totalInventory: Int!
  variants(first: Int, after: String, reverse: Boolean = false): ProductVariantConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type InventoryItem implements Node {
  id: ID!
  sku: String
  tracked: Boolean!
  unitCost: MoneyV2
}

type ProductVariant implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  sku: String
  position: Int!
  price: Money!
  compareAtPrice: Money
  inventoryQuantity: Int
  inventoryItem: InventoryItem!
  product: Product!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

enum CustomerEmailAddressMarketingState { NOT_SUBSCRIBED PENDING SUBSCRIBED UNSUBSCRIBED REDACTED INVALID }
type CustomerEmailAddress { emailAddress: String! marketingState: CustomerEmailAddressMarketingState! }
enum CustomerSortKeys { ID NAME CREATED_AT UPDATED_AT }

type Customer implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  defaultEmailAddress: CustomerEmailAddress
  numberOfOrders: UnsignedInt64!
  amountSpent: MoneyV2!
}
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

type Attribute { key: String! value: String }
type UTMParameters { source: String medium: String campaign: String content: String term: String }
type CustomerVisit implements Node {
  id: ID!
  landingPage: URL
  referrerUrl: URL
  source: String!
  sourceType: String
  occurredAt: DateTime!
  utmParameters: UTMParameters
}
type CustomerJourneySummary {
  ready: Boolean!
  daysToConversion: Int
  customerOrderIndex: Int
  momentsCount: Int
  firstVisit: CustomerVisit
  lastVisit: CustomerVisit
}

enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PAID PARTIALLY_REFUNDED REFUNDED VOIDED EXPIRED }
enum OrderSortKeys { ID NUMBER CREATED_AT PROCESSED_AT UPDATED_AT TOTAL_PRICE }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  sku: String
  quantity: Int!
  currentQuantity: Int!
  originalUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  discountedTotalSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  variant: ProductVariant
  product: Product
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type RefundLineItem {
  id: ID!
  lineItem: LineItem!
  quantity: Int!
  subtotalSet: MoneyBag!
}
type RefundLineItemEdge { cursor: String! node: RefundLineItem! }
type RefundLineItemConnection { edges: [RefundLineItemEdge!]! nodes: [RefundLineItem!]! pageInfo: PageInfo! }

type Refund implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  createdAt: DateTime
  note: String
  totalRefundedSet: MoneyBag!
  refundLineItems(first: Int, after: String): RefundLineItemConnection!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  createdAt: DateTime!
  processedAt: DateTime!
  updatedAt: DateTime!
  cancelledAt: DateTime
  test: Boolean!
  note: String
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  displayFinancialStatus: OrderDisplayFinancialStatus
  totalPriceSet: MoneyBag!
  currentTotalPriceSet: MoneyBag!
  subtotalPriceSet: MoneyBag
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalRefundedSet: MoneyBag!
  discountCode: String
  discountCodes: [String!]!
  customAttributes: [Attribute!]!
  customerJourneySummary: CustomerJourneySummary
  customer: Customer
  lineItems(first: Int, after: String, reverse: Boolean = false): LineItemConnection!
  refunds(first: Int): [Refund!]!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

enum BulkOperationStatus { CREATED RUNNING COMPLETED FAILED CANCELING CANCELED EXPIRED }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { QUERY MUTATION }

type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  type: BulkOperationType!
  errorCode: BulkOperationErrorCode
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
  createdAt: DateTime!
  completedAt: DateTime
}

enum WebhookSubscriptionTopic {
  APP_UNINSTALLED BULK_OPERATIONS_FINISH CUSTOMERS_CREATE CUSTOMERS_UPDATE INVENTORY_LEVELS_UPDATE
  ORDERS_CANCELLED ORDERS_CREATE ORDERS_PAID ORDERS_UPDATED PRODUCTS_CREATE PRODUCTS_DELETE PRODUCTS_UPDATE
  REFUNDS_CREATE
}
enum WebhookSubscriptionFormat { JSON XML }

type WebhookSubscription implements Node {
  id: ID!
  topic: WebhookSubscriptionTopic!
  uri: String!
  format: WebhookSubscriptionFormat!
  apiVersion: String!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type WebhookSubscriptionEdge { cursor: String! node: WebhookSubscription! }
type WebhookSubscriptionConnection {
  edges: [WebhookSubscriptionEdge!]! nodes: [WebhookSubscription!]! pageInfo: PageInfo!
}

input WebhookSubscriptionInput {
  uri: String
  callbackUrl: URL
  format: WebhookSubscriptionFormat
  includeFields: [String!]
  filter: String
}

type UserError { field: [String!] message: String! }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  product(id: ID!): Product
  productVariant(id: ID!): ProductVariant
  products(first: Int, after: String, query: String, sortKey: ProductSortKeys = ID, reverse: Boolean = false):
    ProductConnection!
  customer(id: ID!): Customer
  customers(first: Int, after: String, query: String, sortKey: CustomerSortKeys = ID, reverse: Boolean = false):
    CustomerConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, query: String, sortKey: OrderSortKeys = PROCESSED_AT, reverse: Boolean = false):
    OrderConnection!
  bulkOperation(id: ID!): BulkOperation
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  webhookSubscription(id: ID!): WebhookSubscription
  webhookSubscriptions(first: Int, after: String, topics: [WebhookSubscriptionTopic!], uri: String):
    WebhookSubscriptionConnection!
}

type Mutation {
  bulkOperationRunQuery(query: String!, groupObjects: Boolean = false): BulkOperationRunQueryPayload
  webhookSubscriptionCreate(
    topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!
  ): WebhookSubscriptionCreatePayload
}

schema { query: QueryRoot mutation: Mutation }
"""


@cache
def admin_schema() -> GraphQLSchema:
    """The schema with its resolvers bound (built once per process)."""
    from sandbox.shopify.resolvers import bind_resolvers

    schema = build_schema(SDL)
    bind_resolvers(schema)
    return schema
