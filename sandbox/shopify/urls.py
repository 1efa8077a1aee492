"""Routes of the sandbox Shopify shops: each shop's host is ``/sandbox/shopify/<handle>.myshopify.com``, with
Shopify's own paths below it, so a client builds ``{base}/admin/api/2026-10/graphql.json`` as for a real shop."""

from django.urls import path

from sandbox.shopify import api, oauth

SHOP = "shopify/<str:shop>/"

urlpatterns = [
    path(SHOP + "admin/oauth/authorize", oauth.authorize, name="shopify-authorize"),
    path(SHOP + "admin/oauth/access_token", oauth.access_token, name="shopify-access-token"),
    path(SHOP + "admin/api/<str:version>/graphql.json", api.graphql_endpoint, name="shopify-graphql"),
    path(SHOP + "bulk-results/<str:key>.jsonl", api.bulk_result, name="shopify-bulk-result"),
]
