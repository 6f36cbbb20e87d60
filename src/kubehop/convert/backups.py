"""Where `kubehop convert --write` keeps the original of a file it rewrites.

Never inside a Helm chart: Helm renders every file under `templates/` (a `.bak` too), and packages
every file of the chart. For a file in a chart the backup goes to `.kubehop-backup/CHART/...` beside
the outermost chart's folder (the one holding Chart.yaml; a subchart's parent chart counts); for any
other file, beside the file. `--backup-dir DIR` puts every backup under DIR instead.
"""

from __future__ import annotations

import time
from pathlib import Path

from kubehop.errors import UsageError

BACKUP_FOLDER = ".kubehop-backup"


def chart_root(path: Path) -> Path | None:
    """The outermost folder above `path` that holds a Chart.yaml, or None outside charts."""
    root = None
    for folder in path.resolve().parents:
        if (folder / "Chart.yaml").is_file():
            root = folder
    return root


def _free(candidate: Path) -> Path:
    """candidate, or candidate-N before its suffix, whichever does not exist yet."""
    stem, n = candidate.name.removesuffix(".bak"), 1
    while candidate.exists():
        n += 1
        candidate = candidate.with_name(f"{stem}-{n}.bak")
    return candidate


def _mirror(folder: Path) -> Path:
    """A file's folder below a --backup-dir: relative to the working folder, else its absolute path."""
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(*folder.parts[1:])


def backup_location(path: Path, backup_dir: Path | None = None, stamp: str | None = None) -> Path:
    """The backup file for `path`, named NAME.kubehop-STAMP.bak, in a folder Helm never reads."""
    stamp = stamp or time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = f"{path.name}.kubehop-{stamp}.bak"
    root = chart_root(path)
    if backup_dir is not None:
        if root is not None and root.name:
            relative = Path(root.name) / path.resolve().parent.relative_to(root)
        else:
            relative = _mirror(path.resolve().parent)
        folder = backup_dir / relative
    elif root is not None:
        folder = root.parent / BACKUP_FOLDER / root.name / path.resolve().parent.relative_to(root)
    else:
        folder = path.parent
    inside = chart_root(folder / name)
    if inside is not None:
        raise UsageError(f"{folder}: the backup of {path} would be inside the chart {inside}, where Helm "
                         "would read it; give a --backup-dir outside every chart")
    return _free(folder / name)
