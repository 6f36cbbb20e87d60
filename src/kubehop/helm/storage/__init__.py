"""Release storage backends behind one interface; see base.ReleaseStorage and select.open_storage."""

from __future__ import annotations

from kubehop.helm.storage.base import Query, ReleaseStorage

__all__ = ["Query", "ReleaseStorage"]
