"""Stage 9 — reports people read: Markdown and one self-contained HTML page.

Everything shown is escaped; element ids are numbers, never document ids, so a
document called ``"><script>`` is only ever text.

>>> from textversions import compare
>>> print(comparison_markdown(compare("星锋村", "星峰村"), "web", "print").splitlines()[0])
# web → print: version
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from .calibrate import Calibration, Setting
from .collate import Collation, Variant
from .edits import COSMETIC_KINDS, KINDS, Edit
from .compare import HTML_VIEWS, Comparison
from .find import Relation, Result

__all__ = [
    "calibration_html",
    "collation_html",
    "collation_markdown",
    "collation_overview_html",
    "collation_tei",
    "comparison_html",
    "comparison_markdown",
    "comparison_overview_html",
    "result_html",
    "result_markdown",
    "result_overview_html",
    "score_text",
]

_SHOWN = 60


def _one_line(text: str, limit: int = _SHOWN, *, empty: str = "∅") -> str:
    """``text`` on one line (breaks shown as ⏎), long text cut, nothing shown as ``empty``."""
    one_line = text.replace("\r", "").replace("\n", "⏎")
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return one_line or empty


def _cell(text: str, limit: int = _SHOWN) -> str:
    """A Markdown table cell: :func:`_one_line`, with markup, pipes and backticks escaped (for Markdown only)."""
    return html.escape(_one_line(text, limit), quote=False).replace("|", "\\|").replace("`", "\\`")


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
    lines += ["| " + " | ".join(map(score_text, scores.values())) + " |", ""]
    if comparison.a_region or comparison.b_region:
        lines.append(f"Located region: a {comparison.a_region}, b {comparison.b_region}.")
        lines.append("")
    if comparison.approximate:
        lines += ["**Approximate**: a gap was too large to align character by character.", ""]
    summary = comparison.summary()
    lines.append("Edits: " + ", ".join(f"{kind} {count}" for kind, count in summary.items()) if summary else "No edits.")
    lines.append("")
    if comparison.relation in ("reuse", "unrelated"):
        if comparison.passages:
            lines += ["## Shared passages", ""] + _passage_rows(comparison) + [""]
        return "\n".join(lines)
    editorial = comparison.editorial_edits
    slips = [edit for edit in comparison.substantive_edits if edit.detail.get("likely_ocr")]
    if editorial:
        lines += ["## Substantive edits", ""] + _edit_rows(editorial) + [""]
    if slips:
        lines += ["## Likely OCR slips", ""] + _edit_rows(slips) + [""]
    return "\n".join(lines)


def _passage_rows(comparison: Comparison) -> list[str]:
    rows = ["| passage | length | a span | b span |", "|---|---|---|---|"]
    for n, passage in enumerate(comparison.passages):
        (a0, a1), (b0, b1) = passage.a_span, passage.b_span
        rows.append(f"| {n + 1} | {passage.length} | {a0}–{a1} | {b0}–{b1} |")
    return rows


def result_markdown(result: Result, *, collations: Sequence[tuple[int, Collation]] = ()) -> str:
    """A Markdown report of a corpus: families, relations, each related pair's edits, then the
    ``collations`` given (``(family number, collation)``, as ``find --collate`` makes them)."""
    grouped, alone = _families_by_size(result)
    lines = ["# Story families", "", "| family | size | documents |", "|---|---|---|"]
    for number, family in grouped:
        lines.append(f"| {number} | {len(family)} | {', '.join(_cell(doc_id) for doc_id in family)} |")
    if alone:
        names = ", ".join(_cell(doc_id) for doc_id in alone)
        lines += ["", f"{_plural(len(alone), 'document')} {_ALONE}: {names}."]
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
    for number, collation in collations:
        lines += ["", f"# Family {number}", "", "#" + collation_markdown(collation)]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header,section{padding:1rem 2rem}h1,h2,h3{font-weight:600}h2{font-size:1.25rem}
header{background:#fafafa;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;display:block;overflow-x:auto;max-width:100%}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}h1,h2,h3{overflow-wrap:anywhere}
@media (max-width:600px){header,section{padding:.75rem}h1{font-size:1.5rem}.rows>div,.side{padding-left:.4rem;padding-right:.4rem}
.rows,.sides{column-gap:.4rem}}
.pair{border-top:2px solid #ccc}
.rows{display:grid;grid-template-columns:1fr 1fr;column-gap:1rem;background:#fff;border:1px solid #ddd}
.rows>div{white-space:pre-wrap;overflow-wrap:anywhere;line-break:strict;line-height:1.75;padding:.1rem .75rem;
border-bottom:1px solid #f0f0f0;min-width:0}
.rows>.head{font-weight:600;background:#f4f4f4;position:sticky;top:0;z-index:1;border-bottom:1px solid #ccc}
.side{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.75;background:#fff;border:1px solid #ddd;padding:.75rem;
max-height:60vh;overflow:auto}.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
mark{border-radius:2px;padding:0 1px;color:inherit}mark.sel{outline:2px solid #000}
.k-number{background:#ffb3e6;font-weight:700;box-shadow:inset 0 -2px #a3006d}
.k-substitution{background:#ffd08a;box-shadow:inset 0 -2px #b36b00}
.k-insertion{background:#b8f0b8;text-decoration:underline #1b6e1b}
.k-deletion{background:#e6e6e6;text-decoration:line-through #a33}
.k-caption{background:#cfe3ff;font-style:italic}.k-boilerplate{background:#e3e3e3;outline:1px dotted #888}
.k-truncation{background:#e4ccff;outline:1px dashed #63c}.k-moved{background:#bff3f0;outline:1px dashed #077}
.k-repeated{background:#fff3a8;outline:1px double #997}.k-shared{background:#d9f2d9}
mark.cosmetic{background:transparent;padding:0}
body.show-cosmetic mark.cosmetic{background:#e8eefc;text-decoration:underline dotted #557}
.k-surrounding,details.surrounding{color:#888}details.surrounding summary{cursor:pointer}
.legend{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}.legend span{padding:0 .35rem;border-radius:2px}
.legend .cosmetic-kind{border:1px dotted #999}.legend label{margin-left:.75rem;cursor:pointer}
.region-note{color:#476}ol.edits li{margin:.15rem 0}.muted{color:#777}
.apparatus{overflow:auto;max-width:100%}.apparatus td{white-space:pre-wrap;overflow-wrap:anywhere;min-width:4rem}
.apparatus th{position:sticky;top:0;background:#f4f4f4;z-index:1}.apparatus .base{background:#fcfcf4}
body:not(.show-cosmetic) tr.cosmetic-row{display:none}.same{color:#bbb}tr.context td{background:#fff}
.context div{margin:.2rem 0}.apparatus mark.cosmetic{background:transparent;text-decoration:underline dotted #557}
button.open{font:inherit;border:1px solid #bbb;border-radius:3px;background:#fff;cursor:pointer;min-width:2.5rem}
"""

_SCRIPT = """
var toggle=document.getElementById('cosmetic');
toggle.addEventListener('change',function(e){document.body.classList.toggle('show-cosmetic',e.target.checked);});
document.addEventListener('click',function(e){var t=e.target.closest('a[data-edit]');if(!t)return;e.preventDefault();
document.querySelectorAll('mark.sel').forEach(function(m){m.classList.remove('sel');});
var first=null;document.querySelectorAll('mark[data-edit="'+t.dataset.edit+'"]').forEach(function(m){
m.classList.add('sel');var d=m.closest('details');if(d)d.open=true;if(!first)first=m;});
if(first)first.scrollIntoView({block:'center'});
document.querySelectorAll('mark[data-edit="'+t.dataset.edit+'"]').forEach(function(m){var pane=m.closest('.side');
if(pane){var top=m.getBoundingClientRect().top-pane.getBoundingClientRect().top;pane.scrollTop+=top-pane.clientHeight/2;}});});
"""

_COLLAPSE = 400
"""Surrounding page text longer than this is folded away."""


def _mark(edit: Edit, number: int, side: str, prefix: str) -> str:
    text = getattr(edit, side + "_text")
    classes = f"k-{edit.kind} " + ("cosmetic" if edit.cosmetic else "substantive")
    label = f"{prefix}-e{number}"
    shown = html.escape(text) if text else ("" if edit.cosmetic else "∅")
    mark = (
        f'<mark class="{classes}" id="{label}-{side}" data-edit="{label}" data-side="{side}" '
        f'title="{edit.kind}">{shown}</mark>'
    )
    if edit.kind == "surrounding" and len(text) > _COLLAPSE:
        return (
            f'<details class="surrounding"><summary>rest of the page: {len(text)} characters</summary>{mark}</details>'
        )
    return mark


def _aligned_rows(comparison: Comparison, a: str, b: str, prefix: str, names: tuple[str, str]) -> str:
    """Both texts in one grid under their names (which stay in view while it scrolls), a row per line
    of unchanged text, every edit marked in place."""
    cells: list[str] = [f'<div class="head">{html.escape(name)}</div>' for name in names]
    row_a: list[str] = []
    row_b: list[str] = []

    def flush() -> None:
        if row_a or row_b:
            cells.append(f'<div class="a">{"".join(row_a)}</div><div class="b">{"".join(row_b)}</div>')
            row_a.clear()
            row_b.clear()

    def unchanged(text: str) -> None:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if line:
                row_a.append(html.escape(line))
                row_b.append(html.escape(line))
            if index < len(lines) - 1:
                flush()

    position_a = 0
    for number, edit in sorted(enumerate(comparison.edits), key=lambda item: (item[1].a_span, item[1].b_span)):
        unchanged(a[position_a : edit.a_span[0]])
        row_a.append(_mark(edit, number, "a", prefix))
        row_b.append(_mark(edit, number, "b", prefix))
        position_a = edit.a_span[1]
    unchanged(a[position_a:])
    flush()
    return '<div class="rows">' + "".join(cells) + "</div>"


def _passages_view(comparison: Comparison, a: str, b: str, prefix: str) -> str:
    """For reuse: the shared passages, highlighted in each text side by side."""

    def highlighted(text: str, side: str) -> str:
        out, position = [], 0
        spans = sorted((getattr(p, side + "_span"), n) for n, p in enumerate(comparison.passages))
        for (lo, hi), number in spans:
            if lo < position:  # overlaps the passage before (a repeated passage): shown once
                continue
            out.append(html.escape(text[position:lo]))
            out.append(
                f'<mark class="k-shared" id="{prefix}-s{number}-{side}" data-edit="{prefix}-s{number}">'
                f"{html.escape(text[lo:hi])}</mark>"
            )
            position = hi
        out.append(html.escape(text[position:]))
        return "".join(out)

    return (
        f'<div class="sides"><div class="side">{highlighted(a, "a")}</div>'
        f'<div class="side">{highlighted(b, "b")}</div></div>'
    )


def score_text(value: float | bool) -> str:
    """A score as a report shows it: ``0.874``, or ``yes``/``no`` for a yes-or-no figure (``names_apart``).

    >>> score_text(0.8744), score_text(False)
    ('0.874', 'no')
    """
    return ("yes" if value else "no") if isinstance(value, bool) else f"{value:.3f}"


def _scores_table(comparison: Comparison) -> str:
    scores = comparison.scores.to_dict()
    return (
        "<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in scores) + "</tr><tr>"
        + "".join(f"<td>{score_text(v)}</td>" for v in scores.values()) + "</tr></table>"
    )


def _pair_section(number: int, comparison: Comparison, a_name: str, b_name: str, a: str, b: str) -> str:
    prefix = f"p{number}"
    title = f"{html.escape(a_name)} ↔ {html.escape(b_name)}: {html.escape(comparison.relation)}"
    head = f'<section class="pair" id="{prefix}"><h2>{title}</h2>{_scores_table(comparison)}'
    if comparison.approximate:
        head += '<p class="muted">Approximate: a gap was too large to align character by character.</p>'
    if comparison.relation in ("reuse", "unrelated"):
        items = [
            f'<li><a href="#{prefix}-s{n}-a" data-edit="{prefix}-s{n}">passage {n + 1}</a>: '
            f"{p.length} characters, a {p.a_span[0]}–{p.a_span[1]}, b {p.b_span[0]}–{p.b_span[1]}</li>"
            for n, p in enumerate(comparison.passages)
        ]
        return (
            head + f"<details open><summary>{_plural(len(items), 'shared passage')}</summary><ol>{''.join(items)}</ol></details>"
            + _passages_view(comparison, a, b, prefix) + "</section>"
        )
    items = []
    # Editorial edits first, likely OCR slips after them.
    listed = sorted(
        (n for n, edit in enumerate(comparison.edits) if not edit.cosmetic),
        key=lambda n: bool(comparison.edits[n].detail.get("likely_ocr")),
    )
    for n in listed:
        edit = comparison.edits[n]
        before = _one_line(a[max(0, edit.a_span[0] - _CONTEXT) : edit.a_span[0]], _CONTEXT, empty="")
        after = _one_line(a[edit.a_span[1] : edit.a_span[1] + _CONTEXT], _CONTEXT, empty="")
        label = (
            f'<span class="muted">{html.escape(before)}</span>[{html.escape(_one_line(edit.a_text, 40))} → '
            f'{html.escape(_one_line(edit.b_text, 40))}]<span class="muted">{html.escape(after)}</span>'
        )
        note = _detail_note(edit)
        items.append(
            f'<li><a href="#{prefix}-e{n}-a" data-edit="{prefix}-e{n}"><mark class="k-{edit.kind}">{edit.kind}</mark></a> '
            f"{label}{f' <em>{html.escape(note)}</em>' if note else ''}</li>"
        )
    summary = ", ".join(f"{kind}: {count}" for kind, count in comparison.summary().items())
    region = ""
    if comparison.a_region and comparison.relation in ("contains", "contained_by"):
        container, span = (a_name, comparison.a_region) if comparison.relation == "contains" else (b_name, comparison.b_region)
        region = (
            f'<p class="region-note">Located in {html.escape(container)} at characters {span[0]}–{span[1]}; '  # type: ignore[index]
            "the rest of that text is marked as surrounding.</p>"
        )
    return (
        head + f'<p class="muted">{html.escape(summary)}</p>{region}'
        f'<details open><summary>{_plural(len(items), "substantive edit")}</summary><ol class="edits">{"".join(items)}</ol></details>'
        + _aligned_rows(comparison, a, b, prefix, (a_name, b_name)) + "</section>"
    )


def _page(title: str, body: str, *, legend: bool = True) -> str:
    """A self-contained page; ``legend``: the edit kinds and the cosmetic switch in the header, and the script they need."""
    kinds = "".join(
        f'<span class="k-{kind}{" cosmetic-kind" if kind in COSMETIC_KINDS else ""}">{kind}</span>' for kind in KINDS
    )
    header = (
        f'<div class="legend" id="legend">{kinds}<label><input type="checkbox" id="cosmetic"> show cosmetic edits</label></div>'
        if legend else ""
    )  # fmt: skip
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        "script-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>{header}</header>"
        f"{body}{f'<script>{_SCRIPT}</script>' if legend else ''}</body></html>"
    )


def comparison_html(comparison: Comparison, a: str, b: str, a_name: str = "a", b_name: str = "b") -> str:
    """One self-contained HTML page for a pair, both texts side by side."""
    return _page(f"{a_name} ↔ {b_name}", _pair_section(0, comparison, a_name, b_name, a, b))


def result_overview_html(result: Result, *, links: bool = False) -> str:
    """Families and relations as HTML tables (a fragment; also the notebook view of a Result).

    ``links``: each relation links to its section below (the report page has them; a notebook has not).
    """
    grouped, alone = _families_by_size(result)
    rows = [
        f"<tr><td>{number}</td><td>{len(family)}</td><td>{', '.join(html.escape(d) for d in family)}</td></tr>"
        for number, family in grouped
    ]
    alone_list = (
        f"<details><summary>{_plural(len(alone), 'document')} {_ALONE}</summary>"
        f"<p>{', '.join(html.escape(d) for d in alone)}</p></details>"
        if alone else ""
    )  # fmt: skip
    relation_rows = []
    for number, relation in _by_importance(result):
        s = relation.scores
        changes = (
            _plural(len(relation.comparison.passages), "shared passage")
            if relation.kind == "reuse"
            else str(len(relation.comparison.substantive_edits))
        )
        relation_rows.append(
            f"<tr><td>{_linked(html.escape(relation.a), f'#p{number}' if links else None)}</td><td>{html.escape(relation.b)}</td>"
            f"<td>{html.escape(relation.kind)}</td><td>{s.jaccard:.3f}</td><td>{s.coverage_a:.3f}</td>"
            f"<td>{s.coverage_b:.3f}</td><td>{changes}</td></tr>"
        )
    return (
        f"<section><h2>Story families ({len(result.families)} for {len(result.ids)} documents)</h2>"
        "<table><tr><th>family</th><th>size</th><th>documents</th></tr>" + "".join(rows) + "</table>" + alone_list +
        "<h2>Relations</h2><table><tr><th>a</th><th>b</th><th>kind</th><th>jaccard</th><th>coverage a</th>"
        "<th>coverage b</th><th>substantive edits</th></tr>" + "".join(relation_rows) + "</table></section>"
    )


def _linked(shown: str, target: str | None) -> str:
    return f'<a href="{target}">{shown}</a>' if target else shown


_CONTEXT = 8
"""Characters of a shown either side of an edit in the list."""


def _detail_note(edit: Edit) -> str:
    """What an edit's ``detail`` says, in words: ``×10``, ``a place name, looks and sounds alike``, ``clause``.

    >>> _detail_note(Edit("number", "1.1万", "11万", (0, 4), (0, 3), False, {"ratio": 10.0}))
    '×10'
    """
    detail = edit.detail
    notes = []
    if isinstance(detail.get("ratio"), (int, float)):
        notes.append(f"×{detail['ratio']:g}")
    if detail.get("name"):
        notes.append(f"in a {detail['name']} name")
    alike = [word for key, word in (("look_alike", "look"), ("sound_alike", "sound")) if detail.get(key)]
    if alike:
        notes.append(f"{' and '.join(alike)} alike")
    if detail.get("likely_ocr"):
        notes.append("likely an OCR slip")
    if edit.kind in ("insertion", "deletion") and detail.get("unit"):
        notes.append(str(detail["unit"]))
    for key, side in (("from", "from a"), ("to", "to b")):
        if isinstance(detail.get(key), list):
            notes.append(f"{side} {detail[key][0]}–{detail[key][1]}")
    return ", ".join(notes)


def comparison_overview_html(comparison: Comparison) -> str:
    """Relation, scores and the substantive edits as HTML tables (the notebook view of a Comparison)."""
    rows = "".join(
        f"<tr><td>{html.escape(e.kind)}</td><td>{html.escape(_one_line(e.a_text))}</td><td>{html.escape(_one_line(e.b_text))}</td>"
        f"<td>{e.a_span[0]}–{e.a_span[1]}</td><td>{e.b_span[0]}–{e.b_span[1]}</td></tr>"
        for e in comparison.substantive_edits
    )
    summary = ", ".join(f"{kind}: {count}" for kind, count in comparison.summary().items())
    return (
        f"<div><strong>{html.escape(comparison.relation)}</strong> {_scores_table(comparison)}"
        f"<p>{html.escape(summary)}</p><table><tr><th>kind</th><th>a</th><th>b</th><th>a span</th><th>b span</th></tr>"
        f"{rows}</table></div>"
    )


def result_html(result: Result, texts: Mapping[str, str], *, collations: Sequence[tuple[int, Collation]] = ()) -> str:
    """One self-contained HTML page for a corpus: families, relations, each pair side by side, then the
    ``collations`` given (``(family number, collation)``, as ``find --collate`` makes them)."""
    pairs = "".join(
        _pair_section(n, r.comparison, r.a, r.b, texts[r.a], texts[r.b]) for n, r in _by_importance(result)
    )
    tables = "".join(
        collation_overview_html(collation, prefix=f"f{number}", title=f"Family {number}: collation")
        for number, collation in collations
    )
    return _page("textversions report", result_overview_html(result, links=True) + pairs + tables)


IMPORTANCE = {"contains": 0, "version": 1, "duplicate": 2, "reuse": 3}
"""The order reports list relations in: versions of one story first, reuse last."""


def _by_importance(result: Result) -> list[tuple[int, Relation]]:
    """Relations with their numbers, versions of one story first, reuse last."""
    return sorted(enumerate(result.relations), key=lambda item: (IMPORTANCE.get(item[1].kind, 4), item[0]))


_ALONE = "alone (no duplicate, version or container among the others)"


def _families_by_size(result: Result) -> tuple[list[tuple[int, tuple[str, ...]]], list[str]]:
    """The families of two or more documents with their numbers, largest first; then the documents alone."""
    grouped = sorted(((n, f) for n, f in enumerate(result.families) if len(f) > 1), key=lambda item: (-len(item[1]), item[0]))
    return grouped, [family[0] for family in result.families if len(family) == 1]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _witness_rows(collation: Collation) -> list[tuple[str, int, str, str]]:
    """``(witness, length, relation to the base, region)`` per witness, the base first."""
    regions = collation.regions
    rows = []
    for witness in _columns(collation):
        relation = "base" if witness == collation.base else collation.relations[witness]
        lo, hi = regions[witness]
        rows.append((witness, collation.lengths[witness], relation, f"{lo}–{hi}"))
    return rows


def _columns(collation: Collation) -> list[str]:
    """The witnesses as a table shows them: the base first, the rest in input order."""
    return [collation.base] + [w for w in collation.witnesses if w != collation.base]


def _variant_summary(collation: Collation) -> str:
    shown = len(collation.substantive_variants)
    return f"{_plural(len(collation.variants), 'variant')}, {shown} substantive"


def collation_markdown(collation: Collation, *, cosmetic: bool = False) -> str:
    """A Markdown apparatus: the witnesses, then one row per variant and one column per witness
    (``=`` reads as the base, ``∅`` reads nothing); cosmetic variants only with ``cosmetic``."""
    columns = _columns(collation)
    lines = [f"# Collation of {len(columns)} witnesses (base: {_cell(collation.base)})", ""]
    lines += ["| witness | length | relation to base | region |", "|---|---|---|---|"]
    lines += [f"| {_cell(w)} | {length} | {rel} | {region} |" for w, length, rel, region in _witness_rows(collation)]
    lines += ["", _variant_summary(collation) + ("." if cosmetic else "; cosmetic variants left out."), ""]
    shown = [v for v in collation.variants if cosmetic or not v.cosmetic]
    if shown:
        lines.append("| # | kinds | " + " | ".join(_cell(w, 24) for w in columns) + " |")
        lines.append("|---|---|" + "---|" * len(columns))
        for variant in shown:
            cells = []
            for witness in columns:
                reading = variant.reading(witness)
                same = witness != collation.base and reading.kind is None
                cells.append("=" if same else _cell(reading.text, 40))
            lines.append(f"| {variant.number} | {', '.join(variant.kinds)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_VARIANT_CONTEXT = 20
"""Characters shown either side of a reading when a variant is opened."""


def _variant_row(collation: Collation, variant: Variant, columns: list[str], texts: Mapping[str, str], prefix: str) -> str:
    """A variant's row (one cell per witness), and after it a hidden row with each distinct reading in context."""
    cells = []
    for witness in columns:
        reading = variant.reading(witness)
        if witness == collation.base:
            cells.append(f'<td class="base">{html.escape(_one_line(reading.text, 80))}</td>')
            continue
        if reading.kind is None:
            cells.append('<td class="same" title="reads as the base">=</td>')
            continue
        classes = f"k-{reading.kind}" + (" cosmetic" if reading.cosmetic else "")
        moved = f' <a href="#{prefix}{reading.moved_with}">↔ {reading.moved_with}</a>' if reading.moved_with is not None else ""
        cells.append(
            f'<td><mark class="{classes}" title="{reading.kind}">{html.escape(_one_line(reading.text, 80))}</mark>{moved}</td>'
        )
    context = []
    for group in variant.groups:
        reading = variant.reading(group[0])
        text = texts[group[0]]
        lo, hi = reading.span
        before, after = text[max(0, lo - _VARIANT_CONTEXT) : lo], text[hi : hi + _VARIANT_CONTEXT]
        context.append(
            f'<div><span class="muted">{html.escape(", ".join(group))}:</span> {html.escape(_one_line(before, 40, empty=""))}'
            f'<mark class="k-{reading.kind or "shared"}{" cosmetic" if reading.kind and reading.cosmetic else ""}">'
            f"{html.escape(_one_line(reading.text, 400))}</mark>"
            f"{html.escape(_one_line(after, 40, empty=''))}</div>"
        )
    cosmetic = " cosmetic-row" if variant.cosmetic else ""
    toggle = "var r=this.closest('tr').nextElementSibling;r.hidden=!r.hidden"
    return (
        f'<tr id="{prefix}{variant.number}" class="variant{cosmetic}"><td><button type="button" class="open" '
        f'title="the readings in context" onclick="{toggle}">{variant.number}</button></td>'
        f"<td>{html.escape(', '.join(variant.kinds))}</td>" + "".join(cells) + "</tr>"
        f'<tr class="context{cosmetic}" hidden><td colspan="{len(columns) + 2}">{"".join(context)}</td></tr>'
    )


def collation_overview_html(collation: Collation, *, prefix: str = "v", title: str = "Collation") -> str:
    """The witnesses and the apparatus as HTML tables (a fragment; also the notebook view of a Collation).

    ``prefix`` starts the element ids of its rows (one page may hold several collations).
    """
    texts = {witness: collation.text_of(witness) for witness in collation.witnesses}
    columns = _columns(collation)
    witness_rows = "".join(
        f"<tr><td>{html.escape(w)}</td><td>{length}</td><td>{html.escape(rel)}</td><td>{region}</td></tr>"
        for w, length, rel, region in _witness_rows(collation)
    )
    head = "".join(f"<th>{html.escape(w)}{' (base)' if w == collation.base else ''}</th>" for w in columns)
    rows = "".join(_variant_row(collation, variant, columns, texts, prefix) for variant in collation.variants)
    return (
        f'<section class="pair"><h2>{html.escape(title)} of {len(columns)} witnesses</h2>'
        f"<p>Base: {html.escape(collation.base)}</p>"
        "<table><tr><th>witness</th><th>length</th><th>relation to base</th><th>region</th></tr>"
        f"{witness_rows}</table><p class=\"muted\">{html.escape(_variant_summary(collation))}; "
        "= reads as the base, ∅ reads nothing; a number opens the readings in context.</p>"
        f'<div class="apparatus"><table><tr><th>#</th><th>kinds</th>{head}</tr>{rows}</table></div></section>'
    )


def collation_html(collation: Collation) -> str:
    """One self-contained HTML page for a collation: the witnesses and the apparatus, cosmetic variants on demand."""
    return _page(f"Collation of {len(collation.witnesses)} witnesses", collation_overview_html(collation))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: TEI output writes each as ``<g type="U+000C"/>``."""


def _xml_text(text: str) -> str:
    """``text`` as XML character data: markup escaped, carriage returns kept (``&#13;``), forbidden characters as ``<g>``."""
    escaped = html.escape(text, quote=False).replace("\r", "&#13;")
    return _NOT_XML.sub(lambda m: f'<g type="U+{ord(m.group()):04X}"/>', escaped)


def collation_tei(collation: Collation) -> str:
    """The collation in TEI parallel segmentation: the shared text, and an ``<app>`` at each variant whose
    ``<lem>`` is the base's reading and each ``<rdg wit="#…">`` another reading with its kind as ``type``.

    Each witness's text is rebuilt by reading the shared text and, in every ``<app>``, the reading that
    names it (a character XML cannot hold is a ``<g type="U+XXXX"/>``).
    """
    columns = _columns(collation)
    xml_id = {witness: f"w{n}" for n, witness in enumerate(columns)}
    witnesses = "".join(f'<witness xml:id="{xml_id[w]}">{_xml_text(w)}</witness>' for w in columns)
    body, position = [], 0
    base_text = collation.base_text
    for variant in collation.variants:
        start, end = variant.base_span
        body.append(_xml_text(base_text[position:start]))
        readings = []
        for n, group in enumerate(variant.groups):
            reading = variant.reading(group[0])
            tag = "lem" if n == 0 else "rdg"
            kind = f' type="{reading.kind}"' if reading.kind else ""
            wit = " ".join(f"#{xml_id[w]}" for w in group)
            readings.append(f'<{tag} wit="{wit}"{kind}>{_xml_text(reading.text)}</{tag}>')
        body.append(f'<app n="{variant.number}">{"".join(readings)}</app>')
        position = end
    body.append(_xml_text(base_text[position:]))
    title = _xml_text(f"Collation of {len(columns)} witnesses, base {collation.base}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
        f"<titleStmt><title>{title}</title></titleStmt><publicationStmt><p>Made by textversions.</p>"
        f"</publicationStmt><sourceDesc><listWit>{witnesses}</listWit></sourceDesc></fileDesc><encodingDesc>"
        '<variantEncoding method="parallel-segmentation" location="internal"/></encodingDesc></teiHeader>'
        f'<text><body><p xml:space="preserve">{"".join(body)}</p></body></text></TEI>\n'
    )


_SERIES_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")


def _curves_svg(calibration: Calibration) -> str:
    """Recall (solid) and precision (dashed) against threshold, one colour per window and min_coverage,
    at the recommended min_passage: an inline SVG, no script, no network."""
    chosen = calibration.recommended.options
    series: dict[tuple[int, float], list[Setting]] = {}
    for setting in calibration.settings:
        if setting.options["min_passage"] == chosen["min_passage"]:
            key = (setting.options["window"], setting.options["min_coverage"])
            series.setdefault(key, []).append(setting)
    thresholds = sorted({s.options["threshold"] for s in calibration.settings})
    low, high = thresholds[0], thresholds[-1]
    width, height, left, bottom, top = 680, 300, 48, 36, 12
    right = 230

    def x(threshold: float) -> float:
        return left + (threshold - low) / ((high - low) or 1) * (width - left - right)

    def y(value: float) -> float:
        return top + (1 - value) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             'aria-label="recall and precision against threshold">']  # fmt: skip
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>')
    for threshold in thresholds:
        parts.append(f'<text x="{x(threshold):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{threshold:g}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 4}" text-anchor="middle" font-size="11">threshold</text>')
    target = calibration.target_recall
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="#888" stroke-dasharray="2 3"/>')
    for n, ((window, min_coverage), settings) in enumerate(sorted(series.items())):
        colour = _SERIES_COLOURS[n % len(_SERIES_COLOURS)]
        ordered = sorted(settings, key=lambda s: s.options["threshold"])
        for field, dash in (("recall", ""), ("precision", ' stroke-dasharray="6 4"')):
            points = " ".join(f"{x(s.options['threshold']):.1f},{y(getattr(s, field)):.1f}" for s in ordered)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        label = f"window {window}, min_coverage {min_coverage:g}"
        parts.append(f'<text x="{width - right + 8}" y="{top + 14 * n + 10}" font-size="11" fill="{colour}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def calibration_html(calibration: Calibration) -> str:
    """One self-contained HTML page for a calibration: the recommended command, curves of recall and
    precision against threshold, every setting, and recall per kind and per condition."""
    chosen = calibration.recommended
    verdict = (
        f"reaches the target recall {calibration.target_recall:g}" if calibration.reached
        else f"comes closest to the target recall {calibration.target_recall:g} (no setting reaches it)"
    )  # fmt: skip
    rows = "".join(
        "<tr" + (' class="base"' if setting is chosen else "") + ">"
        + "".join(f"<td>{setting.options[name]:g}</td>" for name in ("threshold", "window", "min_coverage", "min_passage"))
        + f"<td>{setting.recall:.3f}</td><td>{setting.precision:.3f}</td><td>{setting.candidates}</td>"
        f"<td>{setting.seconds_per_1000:.2f}</td></tr>"
        for setting in sorted(calibration.settings, key=lambda s: (-s.recall, -s.precision, s.seconds_per_1000))
    )
    precision = chosen.precision_by_condition
    per_condition = "".join(
        f"<tr><td>{html.escape(condition)}</td><td>{calibration.conditions.get(condition, 0)}</td><td>{recall:.3f}</td>"
        f"<td>{f'{precision[condition]:.3f}' if condition in precision else '–'}</td></tr>"
        for condition, recall in chosen.recall_by_condition.items()
    )
    skipped = (
        f"<p class=\"muted\">No document of the sample could take: {html.escape(', '.join(calibration.skipped))}.</p>"
        if calibration.skipped else ""
    )  # fmt: skip
    body = (
        f"<section><h2>Recommended</h2><p>Of {len(calibration.settings)} settings tried on {calibration.documents} of your "
        f"documents and {calibration.planted} versions planted among them, this one {verdict}: recall "
        f"{chosen.recall:.3f}, precision {chosen.precision:.3f}.</p><pre>{html.escape(calibration.command())}</pre>{skipped}"
        f"<h2>Recall and precision against threshold</h2><p class=\"muted\">Solid: recall; dashed: precision; "
        f"dotted grey: the target; at min_passage {chosen.options['min_passage']}.</p>{_curves_svg(calibration)}"
        "<h2>Every setting</h2><table><tr><th>threshold</th><th>window</th><th>min_coverage</th><th>min_passage</th>"
        f"<th>recall</th><th>precision</th><th>candidates</th><th>s per 1,000 docs</th></tr>{rows}</table>"
        "<h2>The recommended setting per planted condition</h2><table><tr><th>condition</th>"
        f"<th>planted</th><th>recall</th><th>precision</th></tr>{per_condition}</table></section>"
    )
    return _page("textversions calibration", body, legend=False)


HTML_VIEWS[Collation] = collation_overview_html
HTML_VIEWS[Result] = result_overview_html
HTML_VIEWS[Comparison] = comparison_overview_html
