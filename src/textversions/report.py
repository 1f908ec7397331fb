"""Stage 9 — reports people read: Markdown and one self-contained HTML page.

The pages are jinja2 templates (``templates/``) with autoescaping; the texts side
by side, the hot path of a large report, are built here with markupsafe's
``escape`` on every value. Element ids are numbers, never document ids, so a
document called ``"><script>`` is only ever text.

>>> from textversions import compare
>>> print(comparison_markdown(compare("星锋村", "星峰村"), "web", "print").splitlines()[0])
# web → print: version
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup, escape

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
        detail = _detail_note(edit)
        rows.append(
            f"| {edit.kind} | {_cell(edit.a_text)} | {_cell(edit.b_text)} | "
            f"{edit.a_span[0]}–{edit.a_span[1]} | {edit.b_span[0]}–{edit.b_span[1]} | {_cell(detail) if detail else ''} |"
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
    slips = [edit for edit in comparison.substantive_edits if edit.slip]
    if editorial:
        lines += ["## Substantive edits", ""] + _edit_rows(editorial) + [""]
    if slips:
        lines += ["## Likely OCR slips and characters lost to an encoding", ""] + _edit_rows(slips) + [""]
    return "\n".join(lines)


def _passage_rows(comparison: Comparison) -> list[str]:
    rows = ["| passage | length | a span | b span |", "|---|---|---|---|"]
    for n, passage in enumerate(comparison.passages):
        (a0, a1), (b0, b1) = passage.a_span, passage.b_span
        rows.append(f"| {n + 1} | {passage.length} | {a0}–{a1} | {b0}–{b1} |")
    return rows


def result_markdown(result: Result, *, collations: Sequence[tuple[int, Collation]] = ()) -> str:
    """A Markdown report of a corpus: families, relations (versions of one story first, reuse last) and each
    related pair's edits, the ``collations`` given
    (``(family number, collation)``, as ``find --collate`` makes them), then the documents alone (a long list a
    reader of the relations need not scroll past)."""
    grouped, alone = _families_by_size(result)
    lines = ["# Story families", "", "| family | size | documents |", "|---|---|---|"]
    for number, family in grouped:
        lines.append(f"| {number} | {len(family)} | {', '.join(_cell(doc_id) for doc_id in family)} |")
    if alone:
        lines += ["", f"{_plural(len(alone), 'document')} {_ALONE}: listed at the end."]
    lines += ["", "# Relations", ""]
    if not result.relations:
        lines.append("No relations found.")
    else:
        lines += ["| a | b | kind | jaccard | coverage a | coverage b | substantive edits |", "|---|---|---|---|---|---|---|"]
        for _, relation in _by_importance(result):
            s = relation.scores
            lines.append(
                f"| {_cell(relation.a)} | {_cell(relation.b)} | {relation.kind} | {s.jaccard:.3f} | "
                f"{s.coverage_a:.3f} | {s.coverage_b:.3f} | {len(relation.comparison.substantive_edits)} |"
            )
    for _, relation in _by_importance(result):
        lines += ["", "#" + comparison_markdown(relation.comparison, relation.a, relation.b)]
    for number, collation in collations:
        lines += ["", f"# Family {number}", "", "#" + collation_markdown(collation)]
    if alone:
        lines += ["", f"# Documents {_ALONE}", "", ", ".join(_cell(doc_id) for doc_id in alone) + "."]
    return "\n".join(lines) + "\n"


_COLLAPSE = 400
"""Surrounding page text longer than this is folded away."""


_REFERENCED = 24
"""Characters from which a large report shows a stretch of text by reference to the text it carries once."""


@dataclass(frozen=True)
class _Source:
    """A text a pair's body shows stretches of: inline and escaped, or — in a large report, when ``ref`` numbers it
    among the texts the page carries once — as ``<q-t>ref,start,end</q-t>`` (UTF-16 units, as the page's script
    slices), which the script replaces with that stretch as text."""

    text: str
    ref: int | None = None

    def shown(self, start: int, end: int) -> str:
        if self.ref is None or end - start < _REFERENCED:
            return str(escape(self.text[start:end]))
        return f"<q-t>{self.ref},{self._units(start)},{self._units(end)}</q-t>"

    def _units(self, position: int) -> int:
        """A code-point position as a position in UTF-16 units (a character beyond the BMP takes two)."""
        return position + int(self._astral_before[position]) if self._astral_before is not None else position

    @functools.cached_property
    def _astral_before(self) -> np.ndarray | None:
        if self.text.isascii() or max(self.text) <= "\uffff":
            return None
        astral = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32) > 0xFFFF
        return np.concatenate([[0], np.cumsum(astral)])


def _mark(edit: Edit, number: int, side: str, prefix: str, source: _Source) -> str:
    """An edit marked in one text; every value escaped (the hot path of a large report, so plain strings). In a
    large report (``source.ref`` set) the mark carries its number only, and the page's script gives it the id,
    ``data-edit``, ``data-side`` and title an eager page writes: a pair's body holds hundreds of marks."""
    text = getattr(edit, side + "_text")
    kind = escape(edit.kind)  # one of KINDS, unless a comparison was read from a file someone wrote
    classes = f"k-{kind} " + ("cosmetic" if edit.cosmetic else "substantive")
    label = f"{prefix}-e{number}"
    shown = source.shown(*getattr(edit, side + "_span")) if text else ("" if edit.cosmetic else "∅")
    if source.ref is None:
        mark = f'<mark class="{classes}" id="{label}-{side}" data-edit="{label}" data-side="{side}" title="{kind}">{shown}</mark>'
    else:
        mark = f'<mark class="{classes}" data-e="{number}">{shown}</mark>'
    if edit.kind == "surrounding" and len(text) > _COLLAPSE:
        return f'<details class="surrounding"><summary>rest of the page: {len(text)} characters</summary>{mark}</details>'
    return mark


def _aligned_rows(comparison: Comparison, a: _Source, b: _Source, prefix: str, names: tuple[str, str]) -> Markup:
    """Both texts in one grid under their names (which stay in view while it scrolls), a row per line
    of unchanged text, every edit marked in place. Built here, not in a template, with every value
    escaped: a report of 20,000 documents marks a few hundred thousand edits."""
    cells: list[str] = [f'<div class="head">{escape(name)}</div>' for name in names]
    row_a: list[str] = []
    row_b: list[str] = []

    def flush() -> None:
        if row_a or row_b:
            cells.append(f'<div class="a">{"".join(row_a)}</div><div class="b">{"".join(row_b)}</div>')
            row_a.clear()
            row_b.clear()

    def unchanged(start: int, end: int) -> None:
        """a's text from ``start`` to ``end``, the same in b: a row per line."""
        while True:
            stop = a.text.find("\n", start, end)
            line_end = end if stop < 0 else stop
            if line_end > start:
                shown = a.shown(start, line_end)
                row_a.append(shown)
                row_b.append(shown)
            if stop < 0:
                return
            flush()
            start = stop + 1

    position_a = 0
    for number, edit in sorted(enumerate(comparison.edits), key=lambda item: (item[1].a_span, item[1].b_span)):
        unchanged(position_a, edit.a_span[0])
        row_a.append(_mark(edit, number, "a", prefix, a))
        row_b.append(_mark(edit, number, "b", prefix, b))
        position_a = edit.a_span[1]
    unchanged(position_a, len(a.text))
    flush()
    return Markup('<div class="rows">' + "".join(cells) + "</div>")


def _passages_view(comparison: Comparison, a: _Source, b: _Source, prefix: str) -> Markup:
    """For reuse: the shared passages, highlighted in each text side by side (every value escaped)."""

    def highlighted(source: _Source, side: str) -> str:
        out, position = [], 0
        spans = sorted((getattr(p, side + "_span"), n) for n, p in enumerate(comparison.passages))
        for (lo, hi), number in spans:
            if lo < position:  # overlaps the passage before (a repeated passage): shown once
                continue
            out.append(source.shown(position, lo))
            out.append(f'<mark class="k-shared" id="{prefix}-s{number}-{side}" data-edit="{prefix}-s{number}">{source.shown(lo, hi)}</mark>')
            position = hi
        out.append(source.shown(position, len(source.text)))
        return "".join(out)

    return Markup(f'<div class="sides"><div class="side">{highlighted(a, "a")}</div><div class="side">{highlighted(b, "b")}</div></div>')


def score_text(value: float | bool) -> str:
    """A score as a report shows it: ``0.874``, or ``yes``/``no`` for a yes-or-no figure (``names_apart``, ``dates_apart``).

    >>> score_text(0.8744), score_text(False)
    ('0.874', 'no')
    """
    return ("yes" if value else "no") if isinstance(value, bool) else f"{value:.3f}"


def _pair_section(number: int, comparison: Comparison, a_name: str, b_name: str, body: Markup | None) -> Markup:
    """A pair's heading and scores, then ``body`` (:func:`_pair_body`), or a slot the page's script fills."""
    return _render(
        "pair.html", prefix=f"p{number}", number=number, a_name=a_name, b_name=b_name, relation=comparison.relation,
        scores=comparison.scores.to_dict(), approximate=comparison.approximate, body=body,
    )  # fmt: skip


def _pair_body(number: int, comparison: Comparison, a_name: str, b_name: str, a: _Source, b: _Source) -> Markup:
    prefix = f"p{number}"
    if comparison.relation in ("reuse", "unrelated"):
        return _render("pair_body.html", prefix=prefix, passages=comparison.passages, texts=_passages_view(comparison, a, b, prefix))
    # Editorial edits first, likely OCR slips after them.
    listed = sorted(
        (n for n, edit in enumerate(comparison.edits) if not edit.cosmetic),
        key=lambda n: comparison.edits[n].slip,
    )
    edits = []
    for n in listed:
        edit = comparison.edits[n]
        edits.append({
            "number": n, "kind": edit.kind,
            "before": _one_line(a.text[max(0, edit.a_span[0] - _CONTEXT) : edit.a_span[0]], _CONTEXT, empty=""),
            "after": _one_line(a.text[edit.a_span[1] : edit.a_span[1] + _CONTEXT], _CONTEXT, empty=""),
            "a_text": _one_line(edit.a_text, 40), "b_text": _one_line(edit.b_text, 40), "note": _detail_note(edit),
        })  # fmt: skip
    region = None
    if comparison.a_region and comparison.relation in ("contains", "contained_by"):
        container, span = (a_name, comparison.a_region) if comparison.relation == "contains" else (b_name, comparison.b_region)
        region = (container, *span)  # type: ignore[misc]
    return _render(
        "pair_body.html", prefix=prefix, passages=None, edits=edits, region=region,
        summary=", ".join(f"{kind}: {count}" for kind, count in comparison.summary().items()),
        texts=_aligned_rows(comparison, a, b, prefix, (a_name, b_name)),
    )  # fmt: skip


def _page(
    title: str, body: Markup, *, legend: bool = True, bodies: Sequence[str] = (), texts: Sequence[str] = ()
) -> str:
    """A self-contained page; ``legend``: the edit kinds and the cosmetic switch in the header, and the script they
    need; ``bodies``: the pairs' bodies, carried compressed with the ``texts`` they refer to, for the slots of a
    large report."""
    kinds = [(kind, kind in COSMETIC_KINDS) for kind in KINDS]
    packed = _packed(bodies, texts) if bodies else ""
    return str(_render("page.html", title=title, body=body, legend=legend, kinds=kinds, bodies=packed))


def _packed(bodies: Sequence[str], texts: Sequence[str]) -> str:
    """``{"texts": [...], "bodies": [...]}`` as JSON, gzipped (no time stamp: the same report gives the same bytes),
    in base64. The texts come first, a family's side by side: gzip finds a version's text in the one before."""
    data = json.dumps({"texts": list(texts), "bodies": list(bodies)}, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0)).decode("ascii")


def comparison_html(comparison: Comparison, a: str, b: str, a_name: str = "a", b_name: str = "b") -> str:
    """One self-contained HTML page for a pair, both texts side by side."""
    body = _pair_body(0, comparison, a_name, b_name, _Source(a), _Source(b))
    return _page(f"{a_name} ↔ {b_name}", _pair_section(0, comparison, a_name, b_name, body))


def result_overview_html(result: Result, *, links: bool = False) -> str:
    """Families and relations as HTML tables (a fragment; also the notebook view of a Result).

    ``links``: each relation links to its section below (the report page has them; a notebook has not).
    """
    grouped, alone = _families_by_size(result)
    relations = [
        {
            "number": number, "a": relation.a, "b": relation.b, "kind": relation.kind,
            "jaccard": relation.scores.jaccard, "coverage_a": relation.scores.coverage_a,
            "coverage_b": relation.scores.coverage_b,
            "changes": _plural(len(relation.comparison.passages), "shared passage") if relation.kind == "reuse"
            else str(len(relation.comparison.substantive_edits)),
        }
        for number, relation in _by_importance(result)
    ]  # fmt: skip
    return str(
        _render(
            "overview.html", families=len(result.families), documents=len(result.ids), grouped=grouped, alone=alone,
            alone_note=_ALONE, relations=relations, links=links,
        )  # fmt: skip
    )


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
        notes.append(f"×{detail['ratio']:.3g}")
    if detail.get("name"):
        notes.append(f"in a {detail['name']} name")
    alike = [word for key, word in (("look_alike", "look"), ("sound_alike", "sound")) if detail.get(key)]
    if alike:
        notes.append(f"{' and '.join(alike)} alike")
    if detail.get("likely_ocr"):
        notes.append("likely an OCR slip")
    if detail.get("encoding_loss"):
        notes.append("a character lost to an encoding")
    if detail.get("spelling"):
        notes.append("respelled")
    if detail.get("abbreviation"):
        notes.append("abbreviated")
    if isinstance(detail.get("throughout"), int):
        notes.append(f"swapped {detail['throughout']} times throughout")
    if edit.kind in ("insertion", "deletion") and detail.get("unit"):
        notes.append(str(detail["unit"]))
    for key, side in (("from", "from a"), ("to", "to b")):
        if isinstance(detail.get(key), list):
            notes.append(f"{side} {detail[key][0]}–{detail[key][1]}")
    return ", ".join(notes)


def comparison_overview_html(comparison: Comparison) -> str:
    """Relation, scores and the substantive edits as HTML tables (the notebook view of a Comparison)."""
    edits = [
        {"kind": e.kind, "a_text": _one_line(e.a_text), "b_text": _one_line(e.b_text), "a_span": e.a_span, "b_span": e.b_span}
        for e in comparison.substantive_edits
    ]
    summary = ", ".join(f"{kind}: {count}" for kind, count in comparison.summary().items())
    return str(
        _render("comparison.html", relation=comparison.relation, scores=comparison.scores.to_dict(), summary=summary, edits=edits)
    )


LAZY_OVER = 100
"""Relations above which a report carries its pairs' bodies compressed and opens each near the screen."""


def result_html(
    result: Result, texts: Mapping[str, str], *, collations: Sequence[tuple[int, Collation]] = (), lazy: bool | None = None
) -> str:
    """One self-contained HTML page for a corpus: families, relations, each pair side by side, then the
    ``collations`` given (``(family number, collation)``, as ``find --collate`` makes them).

    ``lazy`` (by default, above ``LAZY_OVER`` relations): each pair's edits travel once, gzipped in the page with
    the texts they show (each text once, however many pairs show it), and are opened by its script when the pair
    comes near the screen (or is jumped to), so a report of 20,000 documents opens at once instead of laying out
    every pair.
    """
    ordered = _by_importance(result)
    lazy = len(ordered) > LAZY_OVER if lazy is None else lazy
    shown = {doc for _, r in ordered for doc in (r.a, r.b)}
    carried = [doc for family in result.families for doc in family if doc in shown]  # a family's texts side by side
    sources = {doc: _Source(texts[doc], n if lazy else None) for n, doc in enumerate(carried)}
    bodies = {n: _pair_body(n, r.comparison, r.a, r.b, sources[r.a], sources[r.b]) for n, r in ordered}
    pairs = [_pair_section(n, r.comparison, r.a, r.b, None if lazy else bodies[n]) for n, r in ordered]
    tables = [
        Markup(collation_overview_html(collation, prefix=f"f{number}", title=f"Family {number}: collation"))
        for number, collation in collations
    ]
    page = Markup("").join([Markup(result_overview_html(result, links=True)), *pairs, *tables])
    if not lazy:
        return _page("textversions report", page)
    return _page("textversions report", page, bodies=[str(bodies[n]) for n in range(len(ordered))], texts=[texts[doc] for doc in carried])


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


def _variant_view(collation: Collation, variant: Variant, columns: list[str], texts: Mapping[str, str]) -> dict[str, Any]:
    """A variant's row (one cell per witness) and each distinct reading in context, for the template."""
    cells: list[dict[str, Any]] = []
    for witness in columns:
        reading = variant.reading(witness)
        shown = _one_line(reading.text, 80)
        if witness == collation.base:
            cells.append({"base": True, "text": shown})
        elif reading.kind is None:
            cells.append({"base": False, "same": True})
        else:
            cells.append({
                "base": False, "same": False, "kind": reading.kind, "cosmetic": reading.cosmetic, "text": shown,
                "moved_with": reading.moved_with,
            })  # fmt: skip
    context = []
    for group in variant.groups:
        reading = variant.reading(group[0])
        text = texts[group[0]]
        lo, hi = reading.span
        context.append({
            "witnesses": ", ".join(group), "kind": reading.kind or "shared", "cosmetic": bool(reading.kind and reading.cosmetic),
            "before": _one_line(text[max(0, lo - _VARIANT_CONTEXT) : lo], 40, empty=""),
            "text": _one_line(reading.text, 400), "after": _one_line(text[hi : hi + _VARIANT_CONTEXT], 40, empty=""),
        })  # fmt: skip
    return {"number": variant.number, "kinds": ", ".join(variant.kinds), "cosmetic": variant.cosmetic, "cells": cells, "context": context}


def collation_overview_html(collation: Collation, *, prefix: str = "v", title: str = "Collation") -> str:
    """The witnesses and the apparatus as HTML tables (a fragment; also the notebook view of a Collation).

    ``prefix`` starts the element ids of its rows (one page may hold several collations).
    """
    texts = {witness: collation.text_of(witness) for witness in collation.witnesses}
    columns = _columns(collation)
    return str(
        _render(
            "collation.html", title=title, base=collation.base, columns=columns, prefix=prefix,
            witnesses=_witness_rows(collation), summary=_variant_summary(collation),
            variants=[_variant_view(collation, variant, columns, texts) for variant in collation.variants],
        )  # fmt: skip
    )


def collation_html(collation: Collation) -> str:
    """One self-contained HTML page for a collation: the witnesses and the apparatus, cosmetic variants on demand."""
    return _page(f"Collation of {len(collation.witnesses)} witnesses", Markup(collation_overview_html(collation)))


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


def _curves_svg(calibration: Calibration) -> Markup:
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

    def x(threshold: float) -> str:
        return f"{left + (threshold - low) / ((high - low) or 1) * (width - left - right):.1f}"

    def y(value: float) -> str:
        return f"{top + (1 - value) * (height - top - bottom):.1f}"

    lines = []
    for n, ((window, min_coverage), settings) in enumerate(sorted(series.items())):
        ordered = sorted(settings, key=lambda s: s.options["threshold"])
        lines.append({
            "colour": _SERIES_COLOURS[n % len(_SERIES_COLOURS)], "label_at": top + 14 * n + 10,
            "recall": " ".join(f"{x(s.options['threshold'])},{y(s.recall)}" for s in ordered),
            "precision": " ".join(f"{x(s.options['threshold'])},{y(s.precision)}" for s in ordered),
            "label": f"window {window}, min_coverage {min_coverage:g}",
        })  # fmt: skip
    return _render(
        "curves.svg", width=width, height=height, left=left, right=width - right, axis=height - bottom + 16,
        middle=f"{(left + width - right) / 2:.0f}", target=y(calibration.target_recall), series=lines,
        ticks=[(tick, float(y(tick))) for tick in (0, 0.25, 0.5, 0.75, 1)], thresholds=[(t, x(t)) for t in thresholds],
    )  # fmt: skip


def calibration_html(calibration: Calibration) -> str:
    """One self-contained HTML page for a calibration: the recommended command, curves of recall and
    precision against threshold, every setting, and recall per kind and per condition."""
    chosen = calibration.recommended
    verdict = (
        f"reaches the target recall {calibration.target_recall:g}" if calibration.reached
        else f"comes closest to the target recall {calibration.target_recall:g} (no setting reaches it)"
    )  # fmt: skip
    precision = chosen.precision_by_condition
    body = _render(
        "calibration.html", chosen=chosen, verdict=verdict, documents=calibration.documents, planted=calibration.planted,
        command=calibration.command(), skipped=calibration.skipped, curves=_curves_svg(calibration),
        settings=sorted(calibration.settings, key=lambda s: (-s.recall, -s.precision, s.seconds_per_1000)),
        conditions=[
            (condition, calibration.conditions.get(condition, 0), recall, precision.get(condition))
            for condition, recall in chosen.recall_by_condition.items()
        ],
    )  # fmt: skip
    return _page("textversions calibration", body, legend=False)


@functools.cache
def _environment() -> jinja2.Environment:
    """The report templates (``templates/``), every value they show escaped."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("textversions", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    environment.filters["score"] = score_text
    environment.filters["plural"] = _plural
    return environment


def _render(template: str, **context: Any) -> Markup:
    return Markup(_environment().get_template(template).render(**context))


HTML_VIEWS[Collation] = collation_overview_html
HTML_VIEWS[Result] = result_overview_html
HTML_VIEWS[Comparison] = comparison_overview_html
