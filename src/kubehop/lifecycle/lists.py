"""Rows for List kinds, derived from the rows of the kinds they list (the data file has none of its own).

API servers serve no list kinds: clients map them. The REST mapper that kubectl and Helm build from
discovery (client-go restmapper.NewDiscoveryRESTMapper) adds, for every group/version discovery lists,
`<Kind>List` next to each `<Kind>` and the generic `List`. So:
- a `<Kind>List` is served exactly where `<Kind>` is, and moves to the list of `<Kind>`'s replacement;
- a generic `List` is served while its group/version serves any kind. Every kind of a removed
  group/version has a row, so the `List` goes with the last of them, to `v1` `List`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kubehop.lifecycle.data import LifecycleEntry


def typed_list_entry(base: LifecycleEntry) -> LifecycleEntry:
    """The row of `<Kind>List` from the row of `<Kind>` in the same group/version."""
    return replace(base, kind=base.kind + "List", resource="", replacement_kind=base.replacement_kind + "List",
                   interim=tuple(replace(step, kind=step.kind + "List") for step in base.interim),
                   source=f"derived from the {base.kind} row ({base.source})")


def generic_list_entry(api_version: str, rows: Sequence[LifecycleEntry]) -> LifecycleEntry | None:
    """The row of the generic `List` of a group/version, from all of its rows; None while a kind of it
    is never removed (or the data has no row of it)."""
    removed = [e.removed_in for e in rows if e.removed_in is not None]
    if not rows or len(removed) != len(rows) or api_version == "v1":
        return None
    deprecated = [v for v in (e.deprecated_in or e.removed_in for e in rows) if v is not None]
    return LifecycleEntry(
        api_version=api_version, kind="List", resource="", deprecated_in=max(deprecated), removed_in=max(removed),
        replacement_api_version="v1", replacement_kind="List", replacement_available_in=None,
        source=f"derived: every {api_version} row ({', '.join(e.kind for e in rows)}) is removed by {max(removed)}",
        origin=rows[0].origin)
