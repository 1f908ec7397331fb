"""Write the seed corpus report as HTML and Markdown.

    python examples/seed_report.py [OUT_DIR]
"""

import sys
from pathlib import Path

from textversions import find_versions
from textversions.io import seed_corpus
from textversions.report import result_html, result_markdown

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
docs = dict(seed_corpus())
result = find_versions(docs)
(out / "seed-report.html").write_text(result_html(result, docs), encoding="utf-8")
(out / "seed-report.md").write_text(result_markdown(result), encoding="utf-8")
print(f"{len(result.families)} families, {len(result.relations)} relations -> {out / 'seed-report.html'}")
