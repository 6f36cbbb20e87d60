"""API lifecycle knowledge: which apiVersion/kind is deprecated or removed in which Kubernetes version."""

from __future__ import annotations

from kubehop.lifecycle.data import AddonTimeline, ApiStatus, Interim, Lifecycle, LifecycleEntry

__all__ = ["AddonTimeline", "ApiStatus", "Interim", "Lifecycle", "LifecycleEntry"]
