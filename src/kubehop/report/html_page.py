"""What every HTML page shares: the self-contained document shell, its style and script, and SVG bar charts.

A page never loads anything: the style and the script are inline, charts are inline SVG, and a
Content-Security-Policy forbids every fetch, so the file reads the same offline, in light and dark mode
and on paper. Every text that comes from input goes through `esc`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

STYLE = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;
--accent:#0a5bb5;--removed:#c62828;--error:#7b1fa2;--deprecated:#b45309;--warning:#8a6d00;--info:#1565c0;
--ok:#2e7d32;--code:#eef1f4}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;
--card:#161b22;--accent:#58a6ff;--removed:#ff7b72;--error:#d2a8ff;--deprecated:#f0a35e;--warning:#e3c14e;
--info:#79c0ff;--ok:#56d364;--code:#1f2630}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main,footer,nav{max-width:1200px;margin:0 auto;padding:0 20px}
header{padding-top:20px}h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid var(--line)}
a{color:var(--accent)}.muted{color:var(--muted)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--card);padding:4px}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:14px;padding:0}
.status{border-left:6px solid var(--ok);background:var(--card);padding:8px 12px}
.status.bad{border-color:var(--removed)}
.cards{display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:12px 0}
.cards li{list-style:none;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 14px;
min-width:110px}.cards span{display:block;font-size:.8em;color:var(--muted)}.cards strong{font-size:1.5em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:16px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px}
figcaption{font-weight:600}svg{width:100%;height:auto}svg text{fill:var(--fg);font-size:13px}
#rollback-svg{max-width:900px}caption{text-align:left}
svg .track{fill:var(--line);opacity:.45}svg .bar{fill:var(--accent)}svg .arrow{stroke:var(--fg);fill:none}
.sev-removed{fill:var(--removed);color:var(--removed)}.sev-error{fill:var(--error);color:var(--error)}
.sev-deprecated{fill:var(--deprecated);color:var(--deprecated)}.sev-warning{fill:var(--warning);color:var(--warning)}
.sev-info{fill:var(--info);color:var(--info)}
td.sev{font-weight:600;white-space:nowrap}td.sev::before{content:"\\25A0\\00A0"}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85em}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--card);position:sticky;top:0}
th button{font:inherit;font-weight:600;background:none;border:0;color:inherit;cursor:pointer;padding:0;
text-align:left}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
#findings td{overflow-wrap:anywhere;min-width:5em}#findings .c-rule,#findings .c-object,#findings .c-location
{min-width:9em}#findings .c-message{min-width:14em}#findings .c-severity{min-width:7em}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
code{background:var(--code);padding:0 3px;border-radius:3px}
.filter{display:flex;gap:10px;align-items:center;margin:8px 0}
.filter input{font:inherit;padding:4px 8px;min-width:280px;background:var(--bg);color:var(--fg);
border:1px solid var(--line);border-radius:4px}
details{margin-top:6px}
.timeline{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;align-items:stretch}
.timeline>li{display:flex;align-items:center;gap:8px}
.timeline>li+li::before{content:"\\2192";font-size:1.6em;color:var(--muted)}
.box{background:var(--card);border:2px solid var(--line);border-radius:8px;padding:8px 12px;min-width:210px}
.box.blocked{border-color:var(--removed)}.box h3{margin:0;font-size:1.05em}
.box dl{display:grid;grid-template-columns:auto auto;gap:0 10px;margin:6px 0 0}.box dd{margin:0;font-weight:600}
.version{font-weight:700;font-size:1.1em}
.checklist{list-style:none;padding-left:0}.checklist>li{margin:6px 0}
.cmd{position:relative;margin:4px 0 8px 26px}
.cmd pre{background:var(--code);border:1px solid var(--line);border-radius:4px;padding:8px 70px 8px 10px;
margin:0;overflow-x:auto}.cmd pre code{background:none;padding:0}
.cmd button{position:absolute;top:4px;right:4px;font:inherit;font-size:.8em}
.rollback{border-left:4px solid var(--deprecated);padding-left:12px}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--card:#fff;--code:#f3f3f3;--line:#999;--accent:#000}
body{font-size:11pt}nav,.filter,.copy,.skip{display:none}
a{color:#000}th{position:static}.box,figure,.cmd,tr{break-inside:avoid}h2,h3{break-after:avoid}}
"""

SCRIPT = """
(function(){
var table=document.getElementById('findings');
if(table){
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var box=document.getElementById('filter'),status=document.getElementById('filter-status');
var show=function(){var q=box.value.trim().toLowerCase(),n=0;
rows.forEach(function(r){var hit=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!hit;if(hit){n++;}});
status.textContent=n+' of '+rows.length+' findings shown';};
box.addEventListener('input',show);
var key=function(row,i){var c=row.cells[i];
return c.hasAttribute('data-sort')?c.getAttribute('data-sort'):c.textContent;};
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th){var b=th.querySelector('button');if(!b){return;}
b.addEventListener('click',function(){var up=th.getAttribute('aria-sort')!=='ascending',i=th.cellIndex;
Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',up?'ascending':'descending');
rows.slice().sort(function(a,b){var x=key(a,i),y=key(b,i),nx=parseFloat(x),ny=parseFloat(y);
var d=(!isNaN(nx)&&!isNaN(ny)&&String(nx)===x&&String(ny)===y)?nx-ny:x.localeCompare(y);return up?d:-d;})
.forEach(function(r){body.appendChild(r);});});});
show();}
Array.prototype.forEach.call(document.querySelectorAll('button.copy'),function(b){
b.addEventListener('click',function(){var code=document.getElementById(b.getAttribute('data-for'));
var done=function(){b.textContent='Copied';};
var select=function(){var r=document.createRange();r.selectNodeContents(code);
var s=window.getSelection();s.removeAllRanges();s.addRange(r);b.textContent='Selected: press Ctrl+C';};
if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(code.textContent).then(done,select);}
else{select();}});});
})();
"""

_BACKTICKS = re.compile(r"`([^`]+)`")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def inline(text: str) -> str:
    """Escaped text, with `backticked` spans (as the plan's task texts write paths) set as code."""
    return _BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", esc(text))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def page(title: str, heading: str, intro: str, nav: Sequence[tuple[str, str]], body: str, footer: str) -> str:
    """The whole document; `intro` and `body` are HTML the caller escaped, the rest is plain text."""
    links = "".join(f'<li><a href="#{esc(anchor)}">{esc(label)}</a></li>' for anchor, label in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the report</a>\n'
        f"<header>\n<h1>{esc(heading)}</h1>\n{intro}\n</header>\n"
        f'<nav aria-label="Sections"><ul>{links}</ul></nav>\n'
        f'<main id="main">\n{body}\n</main>\n'
        f'<footer><p class="muted">{esc(footer)}</p></footer>\n'
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]], css: Sequence[str] = ()) -> str:
    """A horizontal bar chart as inline SVG (role img, title and desc), with its numbers as a table too.

    Each bar carries its label and value as text beside it, so no reading depends on colour."""
    bar_w, row_h = 330, 38
    height = max(len(rows), 1) * row_h + 4
    top = max((value for _, value in rows), default=0) or 1
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or "no findings"
    parts = [
        f'<svg role="img" aria-label="{esc(title)}: {esc(desc)}" viewBox="0 0 {bar_w + 50} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}">',
        f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>",
    ]
    for index, (label, value) in enumerate(rows):
        y = 2 + index * row_h
        width = round(bar_w * value / top, 1)
        cls = css[index] if index < len(css) else "bar"
        shown = label if len(label) <= 52 else label[:51] + "…"
        parts.append(
            f'<g class="datum" data-label="{esc(label)}" data-value="{value}">'
            f'<text x="0" y="{y + 13}">{esc(shown)}</text>'
            f'<rect class="track" x="0" y="{y + 18}" width="{bar_w}" height="14" rx="3"/>'
            f'<rect class="{cls}" x="0" y="{y + 18}" width="{width}" height="14" rx="3"/>'
            f'<text x="{bar_w + 6}" y="{y + 30}">{value}</text></g>'
        )
    parts.append("</svg>")
    table_rows = "".join(f'<tr><th scope="row">{esc(label)}</th><td>{value}</td></tr>' for label, value in rows)
    category = title.split(" by ")[-1]
    data = (f'<details><summary>{esc(title)}: the numbers</summary><table><thead><tr><th scope="col">'
            f'{esc(category[:1].upper() + category[1:])}</th><th scope="col">Findings</th></tr></thead>'
            f"<tbody>{table_rows}</tbody></table></details>")
    return f'<figure><figcaption>{esc(title)}</figcaption>{"".join(parts)}{data}</figure>'
