"""Build the English documentation-page set: tldr pages in several commits of their git history.

    python benchmarks/realdata/build_pages.py [--mirrors DIR]

Source (real text nobody here wrote): the English pages of tldr-pages/tldr (CC BY
4.0) at a pinned commit, cloned under ``DIR`` as ``owner+name/repo`` like the
Chinese set. Two samples of 500 page files each, drawn with fixed seeds: one from
``pages/common`` (the development sample the rules were read on) and one from
``pages/linux`` (held out: read only to check them). Each file gives up to three
documents: its text at the first, the middle and the last commit of its history
that touched it, repeats dropped.

Every page is built on one template (a heading naming the command, a quoted
description, examples in code spans), and many are near twins: the subcommands of
one tool (``# aws s3 cp`` / ``# aws s3 sync``), alias pages that differ in two
names. The truth needs no reading: the documents of one file are versions of one
page, any two files are two pages. (A few histories hold a page rewritten whole;
they stay one page, and no method finds them.)

Writes ``pages.jsonl.gz``: ``{"id": "path@commit", "text", "sample", "story": path}`` a line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
from pathlib import Path

from build import git  # this folder's builder: git in a mirror cloned under DIR as owner+name/repo

HERE = Path(__file__).parent
REPO = "tldr-pages/tldr"
COMMIT = "08e345f42639f67d99282813247ac670dc6e87cb"
SAMPLES = {"common": ("pages/common/", 5), "linux": ("pages/linux/", 11)}
PAGES = 500


def history(mirrors: Path, path: str) -> list[tuple[str, str]]:
    """``(commit, text)`` of a page at the first, middle and last commits that touched it (one that moved it away
    left out), repeats dropped."""
    commits = git(mirrors, REPO, "log", "--format=%H", COMMIT, "--", path).split()
    picked, seen = [], set()
    for n in sorted({0, len(commits) // 2, len(commits) - 1} if commits else set()):
        try:
            text = git(mirrors, REPO, "show", f"{commits[n]}:{path}")
        except subprocess.CalledProcessError:  # the commit moved the page away from this path
            continue
        if text.strip() and text not in seen:
            seen.add(text)
            picked.append((commits[n], text))
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    rows = []
    for sample, (folder, seed) in SAMPLES.items():
        paths = git(args.mirrors, REPO, "ls-tree", "--name-only", COMMIT, folder).split()
        random.seed(seed)
        for path in sorted(random.sample(paths, PAGES)):
            for commit, text in history(args.mirrors, path):
                rows.append({"id": f"{path}@{commit[:7]}", "text": text, "sample": sample, "story": path})
    with gzip.open(HERE / "pages.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} documents from {len(SAMPLES) * PAGES} pages")


if __name__ == "__main__":
    main()
