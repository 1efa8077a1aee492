from sandbox.models.ads import AdObjectKind, SandboxAdHistory, SandboxAdObject, SandboxCatalogItem  # noqa: F401
from sandbox.models.core import (
    AccountKind,
    SandboxAccount,
    SandboxApp,
    SandboxAuthCode,
    SandboxFault,
    SandboxToken,
)
from sandbox.models.social import SandboxBoard, SandboxMedia, SandboxPost, SandboxPublishJob

__all__ = [
    "AccountKind",
    "SandboxAccount",
    "SandboxApp",
    "SandboxAuthCode",
    "SandboxBoard",
    "SandboxMedia",
    "SandboxPost",
    "SandboxPublishJob",
    "SandboxFault",
    "SandboxToken",
]
