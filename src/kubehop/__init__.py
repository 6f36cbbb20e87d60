"""kubehop: safe cross-version Kubernetes upgrades and rollbacks."""

from __future__ import annotations

from kubehop.errors import KubehopError
from kubehop.model import Document, ExitCode, Finding, GroupVersionKind, KubeVersion, Location, Severity

__version__ = "0.1.0"

__all__ = [
    "Document",
    "ExitCode",
    "Finding",
    "GroupVersionKind",
    "KubeVersion",
    "KubehopError",
    "Location",
    "Severity",
    "__version__",
]
