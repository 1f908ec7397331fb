"""Stage 9 — reports people read: Markdown and one self-contained HTML page.

Everything shown is escaped; element ids are numbers, never document ids, so a
document called ``"><script>`` is only ever text.

>>> from textversions import compare
>>> print(comparison_markdown(compare("星锋村", "星峰村"), "web", "print").splitlines()[0])
# web → print: version
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from .classify import COSMETIC_KINDS, KINDS, Edit
from .compare import Comparison
from .find import Result

__all__ = ["comparison_markdown", "result_markdown", "result_html", "comparison_html"]

_SHOWN = 60


def _cell(text: str, limit: int = _SHOWN) -> str:
    """A Markdown table cell: one line, pipes and backticks escaped, long text cut."""
    one_line = text.replace("\r", "").replace("\n", "⏎")
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return html.escape(one_line, quote=False).replace("|", "\\|").replace("`", "\\`") or "∅"


def _edit_rows(edits: tuple[Edit, ...] | list[Edit]) -> list[str]:
    rows = ["| kind | a | b | a span | b span | detail |", "|---|---|---|---|---|---|"]
    for edit in edits:
        detail = ", ".join(f"{k}={v}" for k, v in edit.detail.items())
        rows.append(
            f"| {edit.kind} | {_cell(edit.a_text)} | {_cell(edit.b_text)} | "
            f"{edit.a_span[0]}–{edit.a_span[1]} | {edit.b_span[0]}–{edit.b_span[1]} | {_cell(detail)} |"
        )
    return rows


def comparison_markdown(comparison: Comparison, a_name: str = "a", b_name: str = "b") -> str:
    """A Markdown report of one pair: relation, scores, substantive edits, then cosmetic counts."""
    lines = [f"# {_cell(a_name)} → {_cell(b_name)}: {comparison.relation}", ""]
    scores = comparison.scores.to_dict()
    lines += ["| " + " | ".join(scores) + " |", "|" + "---|" * len(scores)]
    lines += ["| " + " | ".join(f"{value:.3f}" for value in scores.values()) + " |", ""]
    if comparison.a_region or comparison.b_region:
        lines.append(f"Located region: a {comparison.a_region}, b {comparison.b_region}.")
        lines.append("")
    if comparison.approximate:
        lines += ["**Approximate**: a gap was too large to align character by character.", ""]
    summary = comparison.summary()
    lines.append("Edits: " + ", ".join(f"{kind} {count}" for kind, count in summary.items()) if summary else "No edits.")
    lines.append("")
    substantive = comparison.substantive_edits
    if substantive:
        lines += ["## Substantive edits", ""] + _edit_rows(substantive) + [""]
    return "\n".join(lines)


def result_markdown(result: Result) -> str:
    """A Markdown report of a corpus: families, relations, and each related pair's edits."""
    lines = ["# Story families", "", "| family | documents |", "|---|---|"]
    for number, family in enumerate(result.families):
        lines.append(f"| {number} | {', '.join(_cell(doc_id) for doc_id in family)} |")
    lines += ["", "# Relations", ""]
    if not result.relations:
        lines.append("No relations found.")
    else:
        lines += ["| a | b | kind | jaccard | coverage a | coverage b | substantive edits |", "|---|---|---|---|---|---|---|"]
        for relation in result.relations:
            s = relation.scores
            lines.append(
                f"| {_cell(relation.a)} | {_cell(relation.b)} | {relation.kind} | {s.jaccard:.3f} | "
                f"{s.coverage_a:.3f} | {s.coverage_b:.3f} | {len(relation.comparison.substantive_edits)} |"
            )
    for relation in result.relations:
        lines += ["", "#" + comparison_markdown(relation.comparison, relation.a, relation.b)]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header,section{padding:1rem 2rem}h1,h2,h3{font-weight:600}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.pair{border-top:2px solid #ccc}.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-break:anywhere;background:#fff;border:1px solid #ddd;padding:.75rem;
max-height:70vh;overflow:auto;line-height:1.7}
mark{border-radius:2px;padding:0 1px}mark.sel{outline:2px solid #000}
.k-number{background:#ffb3b3}.k-substitution{background:#ffd59e}.k-insertion{background:#b8f0b8}.k-deletion{background:#f0b8b8}
.k-caption{background:#cfe3ff}.k-boilerplate{background:#e6e6e6}.k-truncation{background:#e8d2ff}.k-moved{background:#bff3f0}
.k-repeated{background:#fff3a8}.cosmetic{background:transparent;text-decoration:underline dotted #999}
body:not(.show-cosmetic) mark.cosmetic{text-decoration:none;padding:0}
.k-surrounding{color:#888;background:transparent}.legend span{display:inline-block;margin:0 .4rem .3rem 0;padding:0 .3rem}
.region{outline:2px dashed #4a7}ol.edits li{margin:.15rem 0}.muted{color:#777}
"""

_SCRIPT = """
document.getElementById('cosmetic').addEventListener('change',function(e){
document.body.classList.toggle('show-cosmetic',e.target.checked);});
document.addEventListener('click',function(e){var t=e.target.closest('[data-edit]');if(!t)return;e.preventDefault();
document.querySelectorAll('mark.sel').forEach(function(m){m.classList.remove('sel');});
['a','b'].forEach(function(s){var m=document.getElementById(t.dataset.edit+'-'+s);
if(m){m.classList.add('sel');m.scrollIntoView({block:'center'});}});});
"""


def _marked(text: str, edits: list[tuple[int, Edit]], side: str, prefix: str, region: tuple[int, int] | None) -> str:
    """``text`` escaped, each edit's span wrapped in a <mark> with a numeric id."""
    spans = sorted(((getattr(e, side + "_span"), n, e) for n, e in edits), key=lambda t: (t[0], t[1]))
    out = []
    position = 0
    cuts = {region[0]: '<span class="region">', region[1]: "</span>"} if region else {}

    def plain(lo: int, hi: int) -> None:
        for cut in sorted(c for c in cuts if c < hi):
            out.append(html.escape(text[lo : max(lo, cut)]))
            out.append(cuts.pop(cut))
            lo = max(lo, cut)
        out.append(html.escape(text[lo:hi]))

    for (lo, hi), number, edit in spans:
        plain(position, lo)
        classes = f"k-{edit.kind}" + (" cosmetic" if edit.cosmetic else "")
        shown = text[lo:hi] if hi > lo else ("∅" if not edit.cosmetic else "")
        out.append(f'<mark class="{classes}" id="{prefix}-e{number}-{side}" title="{edit.kind}">{html.escape(shown)}</mark>')
        position = max(position, hi)
    plain(position, len(text))
    out.extend(cuts[cut] for cut in sorted(cuts))
    return "".join(out)


def _pair_section(number: int, comparison: Comparison, a_name: str, b_name: str, a: str, b: str) -> str:
    prefix = f"p{number}"
    edits = list(enumerate(comparison.edits))
    scores = comparison.scores.to_dict()
    items = []
    for n, edit in edits:
        if edit.cosmetic:
            continue
        label = f"{html.escape(_cell(edit.a_text, 40))} → {html.escape(_cell(edit.b_text, 40))}"
        items.append(
            f'<li><a href="#{prefix}-e{n}-a" data-edit="{prefix}-e{n}"><mark class="k-{edit.kind}">{edit.kind}</mark></a> {label}</li>'
        )
    summary = ", ".join(f"{kind}: {count}" for kind, count in comparison.summary().items())
    return (
        f'<section class="pair" id="{prefix}"><h2>{html.escape(a_name)} ↔ {html.escape(b_name)}: '
        f"{html.escape(comparison.relation)}</h2>"
        "<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in scores) + "</tr><tr>"
        + "".join(f"<td>{v:.3f}</td>" for v in scores.values()) + "</tr></table>"
        f'<p class="muted">{html.escape(summary)}'
        + (" — approximate alignment" if comparison.approximate else "")
        + "</p>"
        f'<details open><summary>{len(items)} substantive edits</summary><ol class="edits">{"".join(items)}</ol></details>'
        '<div class="sides">'
        f'<div><h3>{html.escape(a_name)}</h3><div class="text">{_marked(a, edits, "a", prefix, comparison.a_region)}</div></div>'
        f'<div><h3>{html.escape(b_name)}</h3><div class="text">{_marked(b, edits, "b", prefix, comparison.b_region)}</div></div>'
        "</div></section>"
    )


def _page(title: str, body: str) -> str:
    legend = "".join(
        f'<span class="k-{kind}{" cosmetic" if kind in COSMETIC_KINDS else ""}">{kind}</span>' for kind in KINDS
    )
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        "script-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<header><h1>{html.escape(title)}</h1><div class="legend">{legend}</div>'
        '<label><input type="checkbox" id="cosmetic"> show cosmetic edits</label></header>'
        f"{body}<script>{_SCRIPT}</script></body></html>"
    )


def comparison_html(comparison: Comparison, a: str, b: str, a_name: str = "a", b_name: str = "b") -> str:
    """One self-contained HTML page for a pair, both texts side by side."""
    return _page(f"{a_name} ↔ {b_name}", _pair_section(0, comparison, a_name, b_name, a, b))


def result_html(result: Result, texts: Mapping[str, str]) -> str:
    """One self-contained HTML page for a corpus: families, relations, each pair side by side."""
    rows = []
    for number, family in enumerate(result.families):
        rows.append(f"<tr><td>{number}</td><td>{', '.join(html.escape(d) for d in family)}</td></tr>")
    relation_rows = []
    for number, relation in enumerate(result.relations):
        s = relation.scores
        relation_rows.append(
            f'<tr><td><a href="#p{number}">{html.escape(relation.a)}</a></td><td>{html.escape(relation.b)}</td>'
            f"<td>{html.escape(relation.kind)}</td><td>{s.jaccard:.3f}</td><td>{s.coverage_a:.3f}</td>"
            f"<td>{s.coverage_b:.3f}</td><td>{len(relation.comparison.substantive_edits)}</td></tr>"
        )
    overview = (
        f"<section><h2>Story families ({len(result.families)} for {len(result.ids)} documents)</h2>"
        "<table><tr><th>family</th><th>documents</th></tr>" + "".join(rows) + "</table>"
        "<h2>Relations</h2><table><tr><th>a</th><th>b</th><th>kind</th><th>jaccard</th><th>coverage a</th>"
        "<th>coverage b</th><th>substantive edits</th></tr>" + "".join(relation_rows) + "</table></section>"
    )
    pairs = "".join(
        _pair_section(n, r.comparison, r.a, r.b, texts[r.a], texts[r.b]) for n, r in enumerate(result.relations)
    )
    return _page("textversions report", overview + pairs)
