"""Kubernetes API access through the official client: client construction and server version."""

from __future__ import annotations

from kubehop.cluster.client import api_client, server_version

__all__ = ["api_client", "server_version"]
