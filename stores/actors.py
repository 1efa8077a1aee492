"""Who or what caused a change: one vocabulary for every event row in every app.

An ``Actor`` is passed down to the service that changes state and written on the event row it records
(``PostEvent``, ``CampaignAction``, ``ConnectionEvent``) through ``ActorFields``: the kind, the member's user when a
person acted, and a label that names the API key, rule, workflow or system task ("publisher", "watchdog", ...).
"""

from dataclasses import dataclass
from typing import Any

from stores.models import Membership, StoreApiKey
from stores.models.actors import LABEL_MAX, ActorFields, ActorKind
from stores.permissions import membership_require


@dataclass(frozen=True)
class Actor:
    """Who or what asks for a change: a member, an API key, a rule, a workflow or Growth Hub itself.

    ``membership`` is the member's role in the store (checked by ``require_write``); ``rule`` is the ads rule
    that acted (its row is linked from ``CampaignAction.rule``).
    """

    kind: str
    user: Any = None
    membership: Membership | None = None
    api_key: StoreApiKey | None = None
    rule: Any = None
    label: str = ""

    @classmethod
    def member(cls, membership: Membership) -> "Actor":
        return cls(kind=ActorKind.USER, user=membership.user, membership=membership)

    @classmethod
    def staff(cls, user: Any) -> "Actor":
        """A Growth Hub staff member acting in the Django admin."""
        return cls(kind=ActorKind.USER, user=user, label="admin")

    @classmethod
    def for_api_key(cls, api_key: StoreApiKey, membership: Membership | None = None) -> "Actor":
        return cls(kind=ActorKind.API, api_key=api_key, membership=membership, label=f"API key {api_key.name}")

    @classmethod
    def for_rule(cls, rule: Any) -> "Actor":
        return cls(kind=ActorKind.RULE, rule=rule, label=str(getattr(rule, "name", rule)))

    @classmethod
    def workflow(cls, label: str) -> "Actor":
        return cls(kind=ActorKind.WORKFLOW, label=label)

    @classmethod
    def system(cls, label: str = "") -> "Actor":
        """Growth Hub itself; ``label`` names the part that acted ("publisher", "watchdog", "connection")."""
        return cls(kind=ActorKind.SYSTEM, label=label)

    def require_write(self) -> None:
        """Refuse (PermissionDenied) a member or key whose role may not change the store."""
        if self.membership is not None:
            membership_require(self.membership, write=True)

    def row_fields(self) -> dict[str, Any]:
        """The ``ActorFields`` values of an event row this actor caused."""
        return {"actor_kind": self.kind, "actor_user": self.user, "actor_label": self.label[:LABEL_MAX]}


SYSTEM = Actor.system()

__all__ = ["LABEL_MAX", "SYSTEM", "Actor", "ActorFields", "ActorKind"]
