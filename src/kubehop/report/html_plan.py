"""The plan page (`kubehop plan -o html`): the hop timeline, the rollback path, and each step's checklists."""

from __future__ import annotations

from collections.abc import Sequence

from kubehop.plan.model import Phase, Plan, Step
from kubehop.report.html_page import esc, inline, page


def snapshot_name(step: Step) -> str:
    return step.snapshot.rsplit("/", 1)[-1]


def _etcd(step: Step) -> str:
    return f"{step.etcd_before or '?'} → {step.etcd_after or '?'}"


def _box(step: Step) -> str:
    items = [("Fix before", "fix", str(len(step.must_fix))), ("Deprecated", "deprecated", str(len(step.deprecated))),
             ("Blocked", "blocked", str(len(step.blocked))), ("etcd (kubeadm)", "etcd", _etcd(step)),
             ("Rollback point", "rollback", snapshot_name(step))]
    fields = "".join(f'<dt>{esc(label)}</dt><dd data-field="{key}">{esc(value)}</dd>' for label, key, value in items)
    state = "BLOCKED" if step.blocked else "ready"
    return (f'<li><div class="box{" blocked" if step.blocked else ""}" data-step="{step.number}">'
            f'<h3><a href="#step-{step.number}">Step {step.number}</a>: {esc(step.source)} → {esc(step.target)}</h3>'
            f'<p class="muted">{state}</p><dl>{fields}</dl></div></li>')


def timeline(plan: Plan) -> str:
    start = f'<li><span class="version">{esc(plan.source)}</span></li>'
    return f'<ol class="timeline" aria-label="Hop timeline">{start}{"".join(_box(s) for s in plan.steps)}</ol>'


def rollback_path(plan: Plan) -> str:
    """The way back drawn in reverse: target on the left, one arrow per step's restore, the start on the right."""
    steps = list(reversed(plan.steps))
    versions = [str(plan.target)] + [str(step.source) for step in steps]
    gap, node_w = 210, 90
    width = node_w + gap * len(steps) + 20
    label = "Rollback path: " + " → ".join(versions)
    desc = "; ".join(f"from {s.target} back to {s.source}: charts first, then kubelets, then restore "
                     f"{snapshot_name(s)} on every etcd member" for s in steps)
    parts = [f'<svg role="img" aria-label="{esc(label)}: {esc(desc)}" viewBox="0 0 {width} 110" '
             'xmlns="http://www.w3.org/2000/svg" id="rollback-svg">',
             f"<title>{esc(label)}</title><desc>{esc(desc)}</desc>"]
    for index, version in enumerate(versions):
        x = 10 + index * gap
        parts.append(f'<rect class="track" x="{x}" y="40" width="{node_w}" height="34" rx="17"/>'
                     f'<text x="{x + node_w / 2}" y="62" text-anchor="middle" class="version">{esc(version)}</text>')
        if index < len(steps):
            x1, x2 = x + node_w + 4, x + gap - 6
            parts.append(f'<path class="arrow" d="M{x1} 57 H{x2} M{x2 - 8} 51 L{x2} 57 L{x2 - 8} 63"/>'
                         f'<text x="{(x1 + x2) / 2}" y="34" text-anchor="middle">restore</text>'
                         f'<text x="{(x1 + x2) / 2}" y="95" text-anchor="middle">'
                         f"{esc(snapshot_name(steps[index]))}</text>")
    parts.append("</svg>")
    items = "".join(f'<li><a href="#rollback-{s.number}">Step {s.number} back</a>: {esc(s.target)} → {esc(s.source)}, '
                    f"restore <code>{esc(snapshot_name(s))}</code></li>" for s in steps)
    return f'<figure><figcaption>{esc(label)}</figcaption>{"".join(parts)}<ol>{items}</ol></figure>'


def _phase(phase: Phase, heading: str, tag: str, ids: str) -> str:
    tasks = []
    for index, task in enumerate(phase.tasks, start=1):
        text = f'<label><input type="checkbox"> {inline(task.text)}</label>'
        if task.commands:
            code_id = f"cmd-{ids}-{index}"
            lines = "\n".join(c.line + ("   # by hand" if c.manual else "") for c in task.commands)
            text += (f'<div class="cmd"><pre><code id="{code_id}">{esc(lines)}</code></pre>'
                     f'<button type="button" class="copy" data-for="{code_id}" '
                     f'aria-label="Copy the commands of: {esc(task.text[:60])}">Copy</button></div>')
        tasks.append(f"<li>{text}</li>")
    return f'<{tag}>{esc(heading)} {esc(phase.title)}</{tag}><ul class="checklist">{"".join(tasks)}</ul>'


def _step(step: Step) -> str:
    phases = "".join(_phase(p, f"{n}.", "h3", f"{step.number}-{n}") for n, p in enumerate(step.phases, start=1))
    back = "".join(_phase(p, f"R{n}.", "h4", f"{step.number}-r{n}") for n, p in enumerate(step.rollback, start=1))
    warnings = "".join(f'<p class="status bad">{esc(w)}</p>' for w in step.warnings)
    return (f'<section aria-labelledby="step-{step.number}"><h2 id="step-{step.number}">Step {step.number}: '
            f"{esc(step.source)} → {esc(step.target)}</h2>{warnings}{phases}"
            f'<section class="rollback" aria-labelledby="rollback-{step.number}"><h3 id="rollback-{step.number}">'
            f"Rollback of step {step.number} ({esc(step.target)} → {esc(step.source)}), in reverse order</h3>"
            f"{back}</section></section>")


def _status(plan: Plan) -> str:
    blocked = [s for s in plan.steps if s.blocked]
    if not blocked:
        return '<p class="status"><strong>Status: ready.</strong> Nothing blocks the hop; work through the steps ' \
               "in order.</p>"
    where = ", ".join(f"step {s.number} ({s.source} → {s.target}): {len(s.blocked)} object(s)" for s in blocked)
    return f'<p class="status bad"><strong>Status: BLOCKED</strong> at {esc(where)} need a human decision.</p>'


def _list(title: str, items: Sequence[str]) -> str:
    return f"<p>{esc(title)}</p><ul>{''.join(f'<li>{inline(i)}</li>' for i in items)}</ul>" if items else ""


def render_html(plan: Plan, tool_version: str) -> str:
    path = " → ".join([str(plan.source), *(str(s.target) for s in plan.steps)])
    count = len(plan.steps)
    steps = f"{count} step{'s' if count > 1 else ''}"
    intro = (f"<p>Control planes move one minor version at a time: {esc(path)} ({steps})."
             " In every step: fix charts first, then Kubernetes, then charts again; roll back in reverse order.</p>"
             + _status(plan) + _list("Inputs:", plan.inputs) + _list("Input warnings:", plan.warnings))
    variables = "".join(f'<tr><th scope="row"><code>{esc(v.name)}</code></th><td>{esc(v.help)}</td></tr>'
                        for v in plan.variables)
    body = [
        f'<section aria-labelledby="timeline"><h2 id="timeline">Hop timeline</h2>{timeline(plan)}</section>',
        f'<section aria-labelledby="rollback"><h2 id="rollback">Rollback path</h2>{rollback_path(plan)}</section>',
        '<section aria-labelledby="start"><h2 id="start">Before you start</h2>'
        "<p>The commands below use these values; set them first:</p>"
        f'<table><thead><tr><th scope="col">Variable</th><th scope="col">Value</th></tr></thead>'
        f"<tbody>{variables}</tbody></table></section>",
        *(_step(step) for step in plan.steps),
    ]
    nav = [("timeline", "Timeline"), ("rollback", "Rollback path"), ("start", "Before you start")]
    nav += [(f"step-{s.number}", f"Step {s.number}") for s in plan.steps]
    title = f"Upgrade plan: Kubernetes {plan.source} → {plan.target}"
    footer = f"Generated by kubehop {tool_version} (kubehop plan --from {plan.source} --to {plan.target})."
    return page(title, title, intro, nav, "\n".join(body), footer)
