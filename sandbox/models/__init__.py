from sandbox.models.ads import AdObjectKind, SandboxAdHistory, SandboxAdObject, SandboxCatalogItem  # noqa: F401
from sandbox.models.core import (
    AccountKind,
    SandboxAccount,
    SandboxApp,
    SandboxAuthCode,
    SandboxFault,
    SandboxToken,
)

__all__ = ["AccountKind", "SandboxAccount", "SandboxApp", "SandboxAuthCode", "SandboxFault", "SandboxToken"]
