"""Locate external binaries (helm, etcdctl, etcdutl) the way a user's machine has them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from kubehop.errors import UsageError


def find_binary(name: str, env_var: str | None = None) -> str:
    """$KUBEHOP_<NAME> (or env_var), then beside the running Python (a venv's bin), then PATH."""
    override = os.environ.get(env_var or f"KUBEHOP_{name.upper()}")
    if override:
        return override
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise UsageError(
        f"{name} not found: install it (scripts/install_helm.py installs helm) or set KUBEHOP_{name.upper()}"
    )
