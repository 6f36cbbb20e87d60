"""The hop planner: one minor version at a time, with the fixes before each step, the control-plane
order, the checks after it, and the rollback in reverse order."""

from __future__ import annotations

from kubehop.plan.build import build_plan
from kubehop.plan.inventory import from_documents, from_envelope, merge
from kubehop.plan.model import Inventory, Plan, Step
from kubehop.plan.versions import parse_range

__all__ = ["Inventory", "Plan", "Step", "build_plan", "from_documents", "from_envelope", "merge", "parse_range"]
