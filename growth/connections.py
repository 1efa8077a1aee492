"""What happens to the work that depends on a platform connection when the connection goes bad or comes back.

``connection_dependents_sync`` is registered on ``stores.hooks.connection_status_changed`` in ``GrowthConfig.ready``;
``stores.connections.services`` calls the hook inside the transaction that changes the connection's status: growth
sits above social and ads, so it may hold and release their posts and campaigns, while stores may not import them.
"""

import logging

from ads.services import campaigns_hold_for_connection, campaigns_release_for_connection
from platforms.constants import AD_PLATFORMS, SOCIAL_PLATFORMS
from social.services import posts_hold_for_connection, posts_release_for_connection
from stores.actors import Actor
from stores.models import ConnectionStatus, PlatformConnection

logger = logging.getLogger(__name__)


def connection_dependents_sync(
    *, connection: PlatformConnection, old_status: str, new_status: str, actor: Actor, reason: str
) -> int:
    """Hold (the connection went bad) or release (it is active again) the scheduled posts or live campaigns that use
    ``connection``, with ``reason`` on what is held.

    Returns how many changed.
    """
    went_bad = new_status != ConnectionStatus.ACTIVE
    if connection.platform in SOCIAL_PLATFORMS:
        if went_bad:
            changed = posts_hold_for_connection(connection=connection, reason=reason)
        else:
            changed = posts_release_for_connection(connection=connection)
    elif connection.platform in AD_PLATFORMS:
        if went_bad:
            changed = campaigns_hold_for_connection(connection=connection, reason=reason)
        else:
            changed = campaigns_release_for_connection(connection=connection)
    else:
        return 0
    logger.info(
        "connection dependents synced",
        extra={
            "connection": connection.pk,
            "platform": connection.platform,
            "held": went_bad,
            "changed": changed,
            "old_status": old_status,
        },
    )
    return changed
