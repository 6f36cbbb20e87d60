"""Pre-flight checks for `helm upgrade` and `helm rollback`: predict what the apiserver will reject
(immutable fields, selectors, API group moves) before anyone runs Helm, and say the safe fix.

Sans-IO: plain manifests in (the one to apply, the one Helm diffs against, optionally the live
objects), a CheckReport out. Reading files, release storage and the cluster happens in
kubehop.check.inputs and the CLI.
"""

from __future__ import annotations

from kubehop.check.change import (
    DEFAULT_HELM_VERSION,
    CheckContext,
    LiveSource,
    Mode,
    ObjectChange,
    ObjectKey,
    Operation,
    Violation,
)
from kubehop.check.engine import CheckReport, run_check
from kubehop.check.fixes import SelectorFix, apply_selector_fixes

__all__ = [
    "DEFAULT_HELM_VERSION",
    "CheckContext",
    "CheckReport",
    "LiveSource",
    "Mode",
    "ObjectChange",
    "ObjectKey",
    "Operation",
    "SelectorFix",
    "Violation",
    "apply_selector_fixes",
    "run_check",
]
