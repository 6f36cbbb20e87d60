"""One registry of plan renderers, keyed by output format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from kubehop.errors import UsageError
from kubehop.plan.model import Plan
from kubehop.plan.render_markdown import render_markdown
from kubehop.plan.render_shell import render_shell
from kubehop.plan.render_structured import render_json, render_yaml
from kubehop.report.html_plan import render_html

Renderer = Callable[[Plan, str], str]

FORMATS: Mapping[str, Renderer] = MappingProxyType({
    "markdown": render_markdown,
    "json": render_json,
    "yaml": render_yaml,
    "shell": render_shell,
    "html": render_html,
})


def render_plan(plan: Plan, fmt: str, tool_version: str) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown plan format {fmt!r} (known: {', '.join(FORMATS)})") from None
    return renderer(plan, tool_version)
