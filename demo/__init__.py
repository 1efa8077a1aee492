"""The demo: the Northwind Outfitters seed, its connections to the sandbox's demo accounts, and the two commands
(``manage.py seed_demo``, ``manage.py demo_connect``) that scripts/demo runs. Nothing in the product imports it."""
