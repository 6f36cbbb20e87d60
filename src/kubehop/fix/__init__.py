"""`releases fix`: rewrite Helm release history to the APIs a target Kubernetes version serves.

Sans-IO planning (plan.py, convert.py) decides what to write; execute.py writes it in a crash-safe
order after backup.py has saved every record it touches; restore.py puts a backup back.
"""

from __future__ import annotations

from kubehop.fix.batch import Selection, backup_releases, fix_releases
from kubehop.fix.execute import FixResult, execute
from kubehop.fix.plan import FixOptions, FixPlan, Outcome, plan_release

__all__ = ["FixOptions", "FixPlan", "FixResult", "Outcome", "Selection", "backup_releases", "execute",
           "fix_releases", "plan_release"]
