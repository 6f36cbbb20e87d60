"""Generate a deterministic, realistic manifest corpus: many charts' worth of rendered manifests.

Layout under the output directory:
  rendered/<chart>.yaml                   `helm template` output, one stream per chart
  split/<chart>/templates/<file>.yaml     `helm template --output-dir` output, one file per template
  manifests/<team>/<app>.yaml             hand-kept kubectl manifests (no `# Source:` headers)
  exports/<namespace>-<n>.json|.yaml      `kubectl get -o json|yaml` Lists, and single JSON objects

    python -m bench.corpus OUT_DIR --mb 50 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench import charts, emit
from bench.objects import Obj

MB = 1024 * 1024


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate. `quirk_rate` is the share of documents and files written in an unusual way,
    `export_share` the share of charts kept as `kubectl get` output (JSON or YAML Lists) instead of
    rendered manifests, `blob_scale` shrinks big ConfigMaps and CRD schemas (small test corpora)."""

    mb: float = 50.0
    seed: int = 1
    legacy_share: float = 0.06
    quirk_rate: float = 0.01
    blob_scale: float = 1.0
    export_share: float = 0.04


@dataclass(frozen=True)
class CorpusInfo:
    root: Path
    files: int
    bytes: int
    documents: int


class _Writer:
    def __init__(self, root: Path, rng: random.Random, spec: CorpusSpec) -> None:
        self.root, self.rng, self.spec = root, rng, spec
        self.files = self.bytes = self.documents = 0

    def write(self, relative: str, text: str, documents: int) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = emit.file_encoding(self.rng, text, self.spec.quirk_rate)
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        self.documents += documents


def generate(root: Path, spec: CorpusSpec) -> CorpusInfo:
    """Write the corpus into `root` (emptied first); the same spec always gives the same bytes."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(spec.seed)
    out = _Writer(root, rng, spec)
    limit = int(spec.mb * MB)
    index = 0
    while out.bytes < limit:
        index += 1
        chart = charts.make_chart(rng, index, spec.legacy_share)
        rendered = charts.render(rng, chart, spec.blob_scale)
        if rng.random() < spec.export_share:
            _write_export(out, chart.namespace, index, [obj for _, obj in rendered])
            continue
        unit = rng.random()
        if unit < 0.55:
            out.write(f"rendered/{chart.name}.yaml", emit.helm_stream(rng, chart.name, rendered, spec.quirk_rate),
                      len(rendered))
        elif unit < 0.8:
            _write_split(out, chart.name, rendered)
        else:
            team = rng.choice(("payments", "search", "platform", "data", "web", "identity"))
            objects = [obj for _, obj in rendered]
            out.write(f"manifests/{team}/{chart.name}.yaml", emit.kubectl_stream(rng, objects, spec.quirk_rate),
                      len(objects))
    return CorpusInfo(root, out.files, out.bytes, out.documents)


def _write_split(out: _Writer, chart: str, rendered: list[tuple[str, Obj]]) -> None:
    by_template: dict[str, list[tuple[str, Obj]]] = {}
    for template, obj in rendered:
        by_template.setdefault(template, []).append((template, obj))
    for template, docs in by_template.items():
        out.write(f"split/{chart}/templates/{template}", emit.helm_stream(out.rng, chart, docs, out.spec.quirk_rate),
                  len(docs))


def _write_export(out: _Writer, namespace: str, index: int, objects: list[Obj]) -> None:
    """kubectl exports: the chart's objects as a JSON or YAML List, big ones (CRDs, ConfigMaps) and now
    and then another one as single JSON files."""
    single = [obj for obj in objects if len(json.dumps(obj)) >= 20_000][:1]
    if not single and out.rng.random() < 0.5:
        single = [out.rng.choice(objects)]
    listed = [obj for obj in objects if obj not in single]
    if out.rng.random() < 0.5:
        out.write(f"exports/{namespace}-{index}.json", json.dumps(emit.as_list(listed), indent=4) + "\n", len(listed))
    else:
        out.write(f"exports/{namespace}-{index}.yaml", emit.dump(emit.as_list(listed)), len(listed))
    for obj in single:
        out.write(f"exports/{namespace}-{index}-{obj['kind'].lower()}.json", json.dumps(obj, indent=4) + "\n", 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="generate the kubehop benchmark corpus")
    parser.add_argument("out", type=Path, help="directory to write (emptied first)")
    parser.add_argument("--mb", type=float, default=CorpusSpec.mb, help="size in MiB (default 50)")
    parser.add_argument("--seed", type=int, default=CorpusSpec.seed)
    parser.add_argument("--quirk-rate", type=float, default=CorpusSpec.quirk_rate)
    args = parser.parse_args(argv)
    info = generate(args.out, CorpusSpec(mb=args.mb, seed=args.seed, quirk_rate=args.quirk_rate))
    print(f"{info.root}: {info.files} files, {info.bytes / MB:.1f} MiB, {info.documents} objects")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
