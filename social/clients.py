"""The organic client of a store's connection, from the platform registry."""

from platforms.content import OrganicClient
from platforms.registry import platform
from stores.models import PlatformConnection


def client_for(connection: PlatformConnection) -> OrganicClient:
    """The platform's client holding the connection's (decrypted) token; never logged."""
    return platform(connection.platform).client(
        access_token=connection.access_token, account_id=connection.external_account_id
    )
