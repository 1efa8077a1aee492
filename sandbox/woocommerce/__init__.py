"""A sandbox WooCommerce: sites at ``/sandbox/woocommerce/<handle>/`` with the REST API v3, the app key flow
(``wc-auth/v1/authorize``) and signed webhooks, behaving as ``shared/store-platform-apis.md`` §B describes."""
