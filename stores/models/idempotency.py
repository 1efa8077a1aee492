"""The answers to API creates sent with an ``Idempotency-Key`` header, kept so that a retry gets the first answer."""

from django.conf import settings
from django.db import models

from stores.models.tenancy import Store, StoreApiKey

IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    """One key a client sent with a create, and the answer the create gave (see ``stores.idempotency``).

    A row exists only for a create that succeeded: it is written in the same transaction as the create itself, so
    either both are there or neither is. Keys are scoped to a store; rows older than IDEMPOTENCY_KEY_TTL_HOURS no
    longer count and are purged by beat.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    # Who sent it: the store API key, or the signed-in user of the dashboard's session (an API key's creator too).
    api_key = models.ForeignKey(StoreApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    # SHA-256 of the method, the path with its query and the JSON body (keys sorted, so key order does not matter).
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="idempotency_key_unique_per_store")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} · {self.key[:40]}"

    def __repr__(self) -> str:
        return f"<IdempotencyKey {self.pk} store={self.store_id} {self.response_status}>"
