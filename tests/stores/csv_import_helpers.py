"""Shopify export files the CSV import tests share: a clean products file, a clean orders file, and their rows."""

import datetime as dt

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)

PRODUCTS_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Cost per item,Status\n"
)
ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
    "Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,"
    "Note Attributes,Cancelled at,Refunded Amount,Id\n"
)

PRODUCTS_CSV = PRODUCTS_HEADER + (
    'wool-socks,Wool socks,<p>Warm</p>,Acme,Socks,"winter, wool",true,Size,S,SOCK-S,12,19.99,,,6.50,active\n'
    "wool-socks,,,,,,,,M,SOCK-M,3,21.50,,,7.00,\n"
    "mug,Mug,,,Kitchen,,true,Title,Default Title,MUG,5,9.00,,,,draft\n"
)

ORDERS_CSV = ORDERS_HEADER + (
    "#1001,ana@example.com,partially_refunded,,fulfilled,USD,49.49,4.90,0,54.39,WELCOME10,5.00,"
    '2025-10-07 09:50:26 +0200,2,Wool socks - S,19.99,SOCK-S,2.00,"gh_visitor: v-123",,10.00,7410991464714\n'
    "#1001,,,,,,,,,,,,,1,Wool socks - M,21.50,SOCK-M,3.00,,,,\n"
    "#1002,ben@example.com,paid,,,USD,9.00,0,0,9.00,,0,2025-11-01 10:00:00 +0000,1,Mug,9.00,MUG,,,,,\n"
)


def upload(text: str, name: str = "export.csv"):
    """The file as a browser uploads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")
