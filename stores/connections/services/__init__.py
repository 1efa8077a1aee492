"""The services that change a platform connection: consent (connect, callback, pick, reconnect), status (health,
expiry, renewal, warnings, loop failures) and disconnect. Every change records a ``ConnectionEvent`` by an ``Actor``;
a status that goes bad or comes back runs ``stores.hooks.connection_status_changed`` in the same transaction."""

from stores.connections.services.consent import (
    CallbackResult,
    connection_authorize_begin,
    connection_authorize_complete,
    connection_pick_ad_account,
)
from stores.connections.services.disconnect import DisconnectOutcome, connection_disconnect, disconnect_message
from stores.connections.services.status import (
    LOOP_ACTIONS,
    connection_mark_expired,
    connection_mark_uninstalled,
    connection_record_error,
    connection_record_failure,
    connection_record_loop_failure,
    connection_record_success,
    connection_refresh,
    connection_warn_expiry,
    connections_warn_expiring,
    oauth_states_purge,
)

__all__ = [
    "LOOP_ACTIONS",
    "CallbackResult",
    "DisconnectOutcome",
    "connection_authorize_begin",
    "connection_authorize_complete",
    "connection_disconnect",
    "connection_mark_expired",
    "connection_mark_uninstalled",
    "connection_pick_ad_account",
    "connection_record_error",
    "connection_record_failure",
    "connection_record_loop_failure",
    "connection_record_success",
    "connection_refresh",
    "connection_warn_expiry",
    "connections_warn_expiring",
    "disconnect_message",
    "oauth_states_purge",
]
