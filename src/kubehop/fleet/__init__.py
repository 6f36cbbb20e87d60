"""Fleets: many clusters read concurrently (`fleet scan`) or their in-cluster reports merged (`fleet collect`)."""

from __future__ import annotations

from kubehop.fleet.model import ClusterReport, FleetMember, FleetReport, fleet_exit_code

__all__ = ["ClusterReport", "FleetMember", "FleetReport", "fleet_exit_code"]
