"""Build the English development set: Reuters-21578 wire stories, with versions read and labelled by hand.

    python benchmarks/realdata/build_english.py [--mirrors DIR]
    python benchmarks/realdata/build_english.py --files reut2-002.sgm reut2-003.sgm --name english-heldout

Source (real text nobody here wrote): the Reuters-21578 collection (Reuters
newswire of February–March 1987, as distributed by David D. Lewis; Reuters and
Carnegie Group allow its free distribution for research purposes), its first two
files, ``reut2-000.sgm`` and ``reut2-001.sgm``, from the git repository
CrackedSky/reuters21578 at a pinned commit, cloned under ``DIR`` as
``owner+name/repo`` like the Chinese set. One document per story with a body:
headline, dateline and body (the trailing ``Reuter`` sign-off dropped).

The wire re-sent stories: repeats, corrections (``CORRECTED -``, figures
changed), rewrites a day later, a short bulletin and the full story. It also sent
hundreds of notices on one template — dividends, earnings tables, eurobond
issues, the Bank of England's money market reports, a fund family's payouts —
that differ in who, when and how much: different stories.

The truth is in ``english-pairs.jsonl``, written by reading: every pair that
shares at least a fifth of the shorter text's word 5-grams, or that a textversions
run related (at the defaults, and with ``window=40`` or ``threshold=0.25``), was
read and marked ``same`` (versions of one story),
``different`` or ``unsure`` (left out of scoring). Stories are the connected groups
of ``same`` pairs; pairs not listed share little text and are different stories.
Writes ``english.jsonl.gz``: ``{"id", "text", "date", "story"}`` a line.

A held-out set, ``english-heldout.jsonl.gz``, holds the next two files
(``reut2-002.sgm``, ``reut2-003.sgm``: 1,832 stories), never read while writing
rules. Its ``english-heldout-pairs.jsonl`` holds only the pairs a textversions run
related (at e27a3d9, with and without name keys), read afterwards: it measures
precision, not recall (the pairs no run relates were not read).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from textversions.families import story_families

HERE = Path(__file__).parent
REPO = "CrackedSky/reuters21578"
COMMIT = "e062363d9104dd8d95f3f685798929dc67962fea"
FILES = ("reut2-000.sgm", "reut2-001.sgm")
_STORY = re.compile(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', re.S)


def _field(body: str, tag: str) -> str:
    found = re.search(rf"<{tag}>(.*?)</{tag}>", body, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def stories(mirrors: Path, files: Sequence[str] = FILES) -> list[dict]:
    """Every story with a body of the collection ``files``, in collection order: ``{"id", "text", "date"}``."""
    documents = []
    for name in files:
        raw = subprocess.run(
            ["git", "-C", str(mirrors / REPO.replace("/", "+") / "repo"), "show", f"{COMMIT}:{name}"],
            check=True, capture_output=True,
        ).stdout.decode("latin-1")  # fmt: skip
        for found in _STORY.finditer(raw):
            newid, body = found.groups()
            text = re.sub(r"\s*Reuter\s*\x03\s*$", "", _field(body, "BODY")).replace("\x03", "").strip()
            if text:
                head = f"{_field(body, 'TITLE')}\n{_field(body, 'DATELINE')} "
                documents.append({"id": f"reuters-{newid}", "text": head + text, "date": _field(body, "DATE")})
    return documents


def story_keys(ids: list[str], pairs: list[dict]) -> dict[str, str]:
    """The story of each document: the connected groups of ``same`` pairs, named by their first member."""
    links = [(pair["a"], pair["b"]) for pair in pairs if pair["truth"] == "same"]
    return {doc_id: family[0] for family in story_families(ids, links) for doc_id in family}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--files", nargs="+", default=list(FILES), help="Collection files to read (default: the first two).")
    parser.add_argument("--name", default="english", help="Writes NAME.jsonl.gz, labelled by NAME-pairs.jsonl.")
    args = parser.parse_args()
    documents = stories(args.mirrors, args.files)
    pairs = [json.loads(line) for line in (HERE / f"{args.name}-pairs.jsonl").read_text().splitlines()]
    story = story_keys([d["id"] for d in documents], pairs)
    with gzip.open(HERE / f"{args.name}.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        for document in documents:
            out.write(json.dumps({**document, "story": story[document["id"]]}, ensure_ascii=False) + "\n")
    print(f"{len(documents)} documents, {sum(p['truth'] == 'same' for p in pairs)} same-story pairs read")


if __name__ == "__main__":
    main()
