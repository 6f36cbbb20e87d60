#!/usr/bin/env python3
"""Build the plugin archives: the Helm plugin `hop-VERSION.tgz` and the krew archive `kubectl-hop-VERSION.tar.gz`.

Usage: python scripts/build_plugin.py [--dest DIR] [--release-url URL] [--write-krew-manifest]
  --dest DIR              where the archives go (default: dist/ in the repository)
  --release-url URL       where the krew archive will be published (the manifest's `uri` is URL/NAME)
  --write-krew-manifest   also rewrite plugins/krew/hop.yaml (version, sha256, uri) for these archives

The Helm archive holds the plugin twice: plugin.yaml at the top (Helm 3 installs an archive from an
http(s) URL and looks there) and under hop/ (the layout `helm plugin package` makes, which Helm 4
installs from a local file: `helm plugin install hop-VERSION.tgz --verify=false`). Both archives are
byte-for-byte reproducible (fixed times, owners and order), so the krew manifest's sha256 stays right.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KREW_MANIFEST = ROOT / "plugins" / "krew" / "hop.yaml"
KUBECTL_LAUNCHER = """#!/bin/sh
# kubectl hop ARGS... runs kubehop ARGS... (install kubehop first: pip install kubehop).
kubehop=${KUBEHOP:-kubehop}
if ! command -v "$kubehop" >/dev/null 2>&1; then
  echo "kubectl hop: kubehop not found (install it, e.g. pip install kubehop, or set KUBEHOP to its path)" >&2
  exit 1
fi
exec "$kubehop" "$@"
"""


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _tgz(members: list[tuple[str, bytes, int]]) -> bytes:
    """A gzip'd tar of (name, content, mode), reproducible: no times, owners or host names inside."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({str(Path(name).parent) for name, _, _ in members} - {"."})
        for directory in dirs:
            info = tarfile.TarInfo(directory)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        for name, content, mode in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), mode, 0
            tar.addfile(info, io.BytesIO(content))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def helm_archive() -> bytes:
    plugin = (ROOT / "plugin.yaml").read_bytes()
    launcher = (ROOT / "helm-plugin" / "hop.sh").read_bytes()
    files = [("plugin.yaml", plugin, 0o644), ("helm-plugin/hop.sh", launcher, 0o755)]
    return _tgz(files + [(f"hop/{name}", content, mode) for name, content, mode in files])


def krew_archive() -> bytes:
    return _tgz([("kubectl-hop", KUBECTL_LAUNCHER.encode(), 0o755)])


def krew_manifest(ver: str, sha256: str, uri: str) -> str:
    return f"""# krew plugin manifest for `kubectl hop`: written by scripts/build_plugin.py --write-krew-manifest.
# Install from a built archive: kubectl krew install --manifest=plugins/krew/hop.yaml \\
#   --archive=dist/kubectl-hop-{ver}.tar.gz   (kubehop itself must be installed: pip install kubehop)
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: hop
spec:
  version: v{ver}
  shortDescription: Safe cross-version Kubernetes upgrades and rollbacks
  description: |
    Runs kubehop: finds removed and deprecated APIs in manifests, charts, Helm release records
    and live clusters, repairs Helm release records, converts manifests, predicts upgrade and
    rollback failures, plans upgrade hops and backs up etcd. Needs kubehop installed
    (pip install kubehop); this plugin is a launcher for it.
  caveats: |
    kubectl hop runs the kubehop command, which must be installed separately: pip install kubehop
  platforms:
    - selector:
        matchExpressions:
          - key: os
            operator: In
            values: [linux, darwin]
      uri: {uri}
      sha256: {sha256}
      bin: kubectl-hop
"""


def build(dest: Path, release_url: str = "") -> dict[str, Path]:
    ver = version()
    dest.mkdir(parents=True, exist_ok=True)
    built = {"helm": dest / f"hop-{ver}.tgz", "krew": dest / f"kubectl-hop-{ver}.tar.gz"}
    for kind, data in (("helm", helm_archive()), ("krew", krew_archive())):
        partial = built[kind].with_name(built[kind].name + ".partial")
        partial.write_bytes(data)
        partial.replace(built[kind])
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "dist")
    parser.add_argument("--release-url", default="")
    parser.add_argument("--write-krew-manifest", action="store_true")
    args = parser.parse_args(argv)
    built = build(args.dest)
    for path in built.values():
        print(f"built {path}")
    if args.write_krew_manifest:
        archive = built["krew"]
        uri = f"{args.release_url.rstrip('/')}/{archive.name}" if args.release_url else archive.name
        KREW_MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        KREW_MANIFEST.write_text(krew_manifest(version(), hashlib.sha256(archive.read_bytes()).hexdigest(), uri),
                                 encoding="utf-8")
        print(f"wrote {KREW_MANIFEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
