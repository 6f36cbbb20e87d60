"""Planning a fix from a release's revisions (no storage involved)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kubehop.fix.plan import Create, FixOptions, Outcome, Update, made_from, plan_release
from kubehop.helm.codec import evolve
from kubehop.helm.records import release_labels
from kubehop.helm.release import StoredRecord, StoredRelease
from kubehop.model import KubeVersion
from tests.fix.helpers import NOW, TARGET
from tests.fix.seed import OLD_APIS, history
from tests.helm.factories import helm3_release


def stored(helm_major: int, statuses: tuple[str, ...]) -> list[StoredRelease]:
    out = []
    for release in history(helm_major, "apps", statuses):
        labels = release_labels(release, now=1, created=True, extra={"team": "imaging"})
        record = StoredRecord(storage="test", key=release.key, namespace="apps", helm_major=helm_major,
                              labels=labels, payload="", raw={"key": release.key})
        out.append(StoredRelease(record, release))
    return out


@pytest.mark.parametrize("helm_major", [2, 3])
def test_latest_deployed_revision_becomes_a_new_deployed_revision_and_is_superseded(helm_major: int) -> None:
    revisions = stored(helm_major, ("superseded", "deployed"))
    plan = plan_release(revisions, FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.FIXED and (plan.source, plan.new_revision) == (2, 3)
    create, update = plan.writes
    assert isinstance(create, Create) and isinstance(update, Update)
    new = create.release
    assert (new.version, new.status) == (3, "deployed")
    assert new.description == "kubehop: converted APIs for Kubernetes 1.19 from revision 2"
    assert new.last_deployed.startswith("2026-11-26T12:00:00")
    assert not any(api in new.manifest for api in OLD_APIS)
    assert "# revision 2" in new.manifest  # untouched documents keep their exact text
    assert "networking.k8s.io/v1" in new.hooks[0].manifest
    assert (new.chart, new.first_deployed) == (plan.writes[1].release.chart, update.release.first_deployed)
    assert create.labels["team"] == "imaging"
    assert (update.release.version, update.release.status) == (2, "superseded")
    assert update.release.description == revisions[1].release.description  # kept, as Helm keeps it
    assert "extensions/v1beta1" in update.release.manifest  # --revisions latest leaves history as it was
    assert made_from(new.description) == 2


def test_failed_latest_revision_is_said_and_numbering_follows_it() -> None:
    plan = plan_release(stored(3, ("superseded", "deployed", "failed")), FixOptions(TARGET), NOW)
    assert (plan.source, plan.new_revision) == (2, 4)
    assert any("latest revision 3 is failed" in n for n in plan.notes)
    assert [w.what for w in plan.writes] == ["create revision 4 (deployed)", "update revision 2 (superseded)"]


@pytest.mark.parametrize("status", ["pending-upgrade", "pending-install", "pending-rollback"])
def test_operation_in_progress_is_refused_unless_forced(status: str) -> None:
    revisions = stored(3, ("deployed", status))
    refused = plan_release(revisions, FixOptions(TARGET), NOW)
    assert refused.outcome is Outcome.SKIPPED and status in refused.reason and "--force" in refused.reason
    assert not refused.writes
    forced = plan_release(revisions, FixOptions(TARGET, force=True), NOW)
    assert forced.outcome is Outcome.FIXED and forced.new_revision == 3
    assert any("--force" in n for n in forced.notes)


@pytest.mark.parametrize(("helm_major", "statuses", "reason"), [
    (3, ("superseded", "uninstalled"), "release is uninstalled"),
    (2, ("superseded", "deleted"), "release is deleted"),
    (3, ("superseded", "failed"), "no deployed revision"),
])
def test_releases_without_a_usable_deployed_revision_are_skipped(helm_major: int, statuses: tuple[str, ...],
                                                                 reason: str) -> None:
    plan = plan_release(stored(helm_major, statuses), FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.SKIPPED and reason in plan.reason and not plan.writes


def test_nothing_to_convert_is_unchanged() -> None:
    revision = stored(3, ("deployed",))[0]
    current = helm3_release(name=revision.release.name, namespace="apps",
                            manifest="---\n# Source: web/templates/svc.yaml\napiVersion: v1\n"
                                     "kind: Service\nmetadata:\n  name: web\n")
    plan = plan_release([StoredRelease(revision.record, current)], FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.UNCHANGED and not plan.writes


def test_revisions_all_rewrites_every_older_revision_in_place_keeping_its_status() -> None:
    plan = plan_release(stored(3, ("superseded", "deployed", "failed")), FixOptions(TARGET, all_revisions=True), NOW)
    what = [w.what for w in plan.writes]
    assert what == ["create revision 4 (deployed)", "update revision 2 (superseded, converted in place)",
                    "update revision 3 (converted in place)", "update revision 1 (converted in place)"]
    for write in plan.writes[1:]:
        assert isinstance(write, Update)
        assert not any(api in write.release.manifest for api in OLD_APIS)
        assert write.release.description in ("Install complete", "Upgrade complete")
    assert [w.release.status for w in plan.writes] == ["deployed", "superseded", "failed", "superseded"]


def test_an_interrupted_fix_is_finished_without_a_new_revision() -> None:
    revisions = stored(3, ("superseded", "deployed"))
    first = plan_release(revisions, FixOptions(TARGET), NOW)
    assert isinstance(first.writes[0], Create)
    made = first.writes[0].release
    record = StoredRecord(storage="test", key=made.key, namespace="apps", helm_major=3,
                          labels=release_labels(made, now=2, created=True), payload="", raw={})
    crashed = [*revisions, StoredRelease(record, made)]  # revision 3 written, revision 2 still deployed
    plan = plan_release(crashed, FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.FIXED and plan.new_revision is None
    assert [w.what for w in plan.writes] == ["update revision 2 (superseded)"]
    assert any("finished an earlier fix" in n for n in plan.notes)
    superseded = evolve(revisions[1].release, status="superseded")
    superseded_record = replace(revisions[1].record, labels=release_labels(superseded, now=3, created=False))
    done = [revisions[0], StoredRelease(superseded_record, superseded), StoredRelease(record, made)]
    assert plan_release(done, FixOptions(TARGET), NOW).outcome is Outcome.UNCHANGED


def test_a_document_that_cannot_be_converted_fails_the_release_without_writes() -> None:
    revisions = stored(3, ("deployed",))
    broken = evolve(revisions[0].release, manifest="---\napiVersion: apps/v1beta1\nkind: Deployment\n: [\n")
    plan = plan_release([StoredRelease(revisions[0].record, broken)], FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.FAILED and "cannot be converted" in plan.reason and not plan.writes


def test_matching_is_on_parsed_documents_not_text() -> None:
    revisions = stored(3, ("deployed",))
    crlf = ("---\r\n# Source: x/templates/d.yaml\r\nkind: Deployment\r\nmetadata:\r\n  name: web\r\n"
            "apiVersion: 'extensions/v1beta1'\r\nspec:\r\n  template:\r\n    metadata:\r\n      labels:\r\n"
            "        app: web\r\n    spec:\r\n      containers: [{name: web, image: nginx}]\r\n")
    release = evolve(revisions[0].release, manifest=crlf)
    plan = plan_release([StoredRelease(revisions[0].record, release)], FixOptions(TARGET), NOW)
    assert plan.outcome is Outcome.FIXED
    assert "apps/v1" in plan.writes[0].release.manifest
    assert "extensions/v1beta1" not in plan.writes[0].release.manifest


def test_documents_without_a_successor_are_removed_with_a_note() -> None:
    revisions = stored(3, ("deployed",))
    psp = ("---\n# Source: x/templates/psp.yaml\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n"
           "metadata:\n  name: restricted\nspec:\n  privileged: false\n")
    release = evolve(revisions[0].release, manifest=revisions[0].release.manifest + psp)
    plan = plan_release([StoredRelease(revisions[0].record, release)], FixOptions(KubeVersion.parse("1.25")), NOW)
    assert plan.outcome is Outcome.FIXED
    assert "PodSecurityPolicy" not in plan.writes[0].release.manifest
    assert any("PodSecurityPolicy" in n for n in plan.conversions[0].notes)


@pytest.mark.parametrize("target", ["1.16", "1.19", "1.22", "1.25", "1.29"])
def test_the_quick_pre_check_never_skips_a_manifest_the_converters_would_change(target: str) -> None:
    from pathlib import Path

    from kubehop.convert.manifest import convert_manifest
    from kubehop.fix.convert import may_need_conversion

    version = KubeVersion.parse(target)
    root = Path(__file__).resolve().parents[2] / "examples" / "manifests"
    texts = [p.read_text() for p in sorted(root.glob("*.yaml"))] + [history(3, "apps")[0].manifest]
    docs = [d for text in texts for d in text.split("\n---\n")]
    docs.append("---\n# Source: x/psp.yaml\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n")
    docs += ["apiVersion: !!str extensions/v1beta1\nkind: Ingress\nmetadata: {name: tagged}\n",
             'apiVersion: "extensions\\/v1beta1"\nkind: Ingress\nmetadata: {name: escaped}\n',
             "apiVersion: # a comment first\n  extensions/v1beta1\nkind: Ingress\nmetadata: {name: commented}\n",
             "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleList\nitems:\n- metadata: {name: r}\n"]
    for doc in docs:
        if not may_need_conversion(doc, version):
            result = convert_manifest(doc, version)
            assert result.text == doc and not result.changes, doc


def test_every_other_deployed_revision_is_superseded_so_one_stays_deployed() -> None:
    plan = plan_release(stored(3, ("deployed", "superseded", "deployed")), FixOptions(TARGET), NOW)
    assert [w.what for w in plan.writes] == ["create revision 4 (deployed)", "update revision 3 (superseded)",
                                             "update revision 1 (superseded)"]
    assert any("revision 1 was deployed too" in n for n in plan.notes)


def test_a_record_that_disagrees_with_its_body_is_refused_unless_forced() -> None:
    first, second = stored(3, ("superseded", "deployed"))
    moved = replace(second.record, key="sh.helm.release.v1.image-manager.v9", namespace="elsewhere",
                    labels={**second.record.labels, "version": "9"})
    revisions = [replace(first, record=replace(first.record, namespace="elsewhere")), replace(second, record=moved)]
    refused = plan_release(revisions, FixOptions(TARGET), NOW)
    assert refused.outcome is Outcome.SKIPPED and not refused.writes and "--force" in refused.reason
    assert "sh.helm.release.v1.image-manager.v9: stored in namespace elsewhere, body says namespace apps" \
           in refused.reason
    forced = plan_release(revisions, FixOptions(TARGET, force=True), NOW)
    create = forced.writes[0]
    assert isinstance(create, Create) and forced.new_revision == 10
    assert (create.namespace, create.release.namespace, create.key) == (
        "elsewhere", "elsewhere", "sh.helm.release.v1.image-manager.v10")
    assert (forced.name, forced.namespace) == ("image-manager", "elsewhere")
