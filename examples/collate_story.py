"""Collate four versions of one story; write the apparatus as HTML, Markdown and TEI.

    python examples/collate_story.py [OUT_DIR]

The witnesses: two real ones from the seed corpus — the paper's web article (003) and the
printed front page that carries the story among others (002) — and two made here from the web
article, as their names say: a traditional-script reprint (OpenCC) and a reprint that moves
one paragraph to the end and corrects one figure.
"""

import sys
from pathlib import Path

from textversions import collate
from textversions.io import seed_corpus
from textversions.normalize import converter
from textversions.report import collation_html, collation_markdown, collation_tei



def _shown(text: str) -> str:
    """A reading on one line, cut short."""
    text = text.replace("\n", "⏎")
    return (text[:11] + "…" if len(text) > 12 else text) or "∅"


out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
seeds = dict(seed_corpus())
web, page = seeds["003_2ce852fb66e9e90e"], seeds["002_5c287f6b8ba9909e"]

paragraphs = web.split("\n\n")
moved = paragraphs[:5] + paragraphs[6:] + [paragraphs[5]]  # the 把最美的身影… heading goes last
witnesses = {
    "web (003)": web,
    "print page (002)": page,
    "made: traditional reprint": converter("s2t")(web),
    "made: reprint, moved and corrected": "\n\n".join(moved).replace("24万余名党员", "25万余名党员"),
}
collation = collate(witnesses)
(out / "collation.html").write_text(collation_html(collation), encoding="utf-8")
(out / "collation.md").write_text(collation_markdown(collation), encoding="utf-8")
(out / "collation.xml").write_text(collation_tei(collation), encoding="utf-8")

print(f"base: {collation.base}")
for witness, relation in collation.relations.items():
    print(f"  {witness}: {relation}, region {collation.regions[witness]}")
print(f"{len(collation.variants)} variants, {len(collation.substantive_variants)} substantive")
for variant in collation.substantive_variants[:12]:
    readings = " | ".join(f"{_shown(variant.reading(group[0]).text)} ({', '.join(group)})" for group in variant.groups)
    print(f"{variant.number:>4} {', '.join(variant.kinds):<22} {readings}")
assert all(collation.text_of(witness) == text for witness, text in witnesses.items())
