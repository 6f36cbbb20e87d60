from __future__ import annotations

from tests.check.helpers import check, ctx, detail, rules_of

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "app:1.0"}]
"""
LIVE = """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  completions: 1
  parallelism: 1
  completionMode: NonIndexed
  selector: {matchLabels: {batch.kubernetes.io/controller-uid: 0b5c}}
  template:
    metadata: {labels: {batch.kubernetes.io/controller-uid: 0b5c, job-name: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "app:1.0", imagePullPolicy: IfNotPresent}]
"""


def test_new_image_in_an_existing_job_is_rejected() -> None:
    report = check(JOB.replace("app:1.0", "app:1.1"), JOB, LIVE, ctx())
    assert rules_of(report, "removed") == ["job-immutable"]
    assert detail(report, "job-immutable", "field") == "spec.template"
    assert "spec.containers[name=migrate].image=app:1.1" in detail(report, "job-immutable", "new")
    assert detail(report, "job-immutable", "error").endswith(
        'Job.batch "migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable')


def test_unchanged_job_passes_but_force_drops_the_generated_selector() -> None:
    assert rules_of(check(JOB, JOB, LIVE, ctx()), "removed") == []
    forced = check(JOB, JOB, LIVE, ctx(force=True))
    assert "spec.selector: Required value" in detail(forced, "job-immutable", "error")
    assert any(f.rule_id == "force-is-put" for f in forced.findings)


def test_deleted_job_is_recreated() -> None:
    assert check(JOB.replace("app:1.0", "app:1.1"), JOB, [], ctx()).findings == ()
