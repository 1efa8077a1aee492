"""Platform connections: connect (OAuth), pick an ad account, refresh, health, expiry, disconnect.

``services`` changes a connection's state (each change one transaction recording a ``ConnectionEvent`` by an
``Actor``; when the status goes bad or comes back ``stores.hooks.connection_status_changed`` runs in it),
``selectors`` reads, ``views`` are the thin connections manager and OAuth pages. Platform HTTP calls never run
inside a database transaction.
"""
