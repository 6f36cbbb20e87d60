from __future__ import annotations

from kubehop.cli import main

raise SystemExit(main())
