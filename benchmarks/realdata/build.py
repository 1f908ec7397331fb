"""Build the real development set of the fidelity benchmark from public repositories, at pinned commits.

    python benchmarks/realdata/build.py [--mirrors DIR]
    python benchmarks/realdata/build.py --months 202403 --name xwlb-heldout   # a held-out month of transcripts

Each source is a git repository cloned (or fetched) under ``DIR`` as ``owner+name/repo``
(the layout this project's tools use; any bare or normal clone works, nothing is
checked out). Writes ``benchmarks/realdata/devset.jsonl.gz``: one document a line,
``{"id", "text", "source", "story"}`` — ``story`` names what the document reports, so
two documents with the same story are versions of one story and two with different
stories are not — and ``pairs.jsonl``: the hard negatives, pairs of different stories
built on one template, with the regime they test. ``--months`` builds only the 新闻联播
transcripts of the months named, into ``NAME.jsonl.gz`` and ``NAME-pairs.jsonl``: a set
held out from the rules, whose truth is the stories' titles as the dev set's is.

Sources (real text nobody here wrote):

* ``xwlb``: 新闻联播 transcripts of October 2022, scraped independently by two
  projects (DuckBurnIncense/xin-wen-lian-bo keeps the page's HTML paragraphs, turned
  into text here as any user would; yuekcc/cctv_news writes Markdown). One document
  per story; the two scrapes of a story are versions of it. Daily notices built on one
  template (国家卫生健康委通报最新疫情, 二十大代表风采, 国内联播快讯 …) on different days
  are different stories: the template regime.
* ``tldr``: tldr-pages in simplified (``pages.zh``) and traditional (``pages.zh_TW``)
  Chinese, written and converted by different contributors: one command's pages are
  versions (script, variants and regional vocabulary: 文档/文件, 查看/檢視), on every
  platform and under every alias; alias pages (此命令为 `X` 的别名) of different
  commands are one template for different stories.
* ``bible``: the Chinese Union Version in traditional (``cuv``) and simplified (``cuvs``)
  script, two electronic editions of one translation (tkacikr/bible-tools): the
  simplified one has a space between every two characters, revised punctuation (、→，,
  ．→；), 〔或作…〕 notes as （或译：…）, modern characters (作/做, 阿/啊), ``?`` where its
  encoding lost a character, and the chapter's number where verse 1 is numbered. One
  document per chapter, a verse a line; the two editions of a chapter are versions.
  Books with no chapter of another among them, and the Psalms but those that repeat
  another psalm (53 ≈ 14, 70 ≈ 40:13–17, 108 ≈ 57 + 60), whose story the labels
  could not name.
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = {
    "DuckBurnIncense/xin-wen-lian-bo": "ae8d591d33dd3701a34045e0acb24cd5b70b2ede",
    "yuekcc/cctv_news": "f3f077685dd5be6c1dbfe4a65b69d3045d36594f",
    "tldr-pages/tldr": "08e345f42639f67d99282813247ac670dc6e87cb",
    "tkacikr/bible-tools": "90a9bf78dc93bc9eaa8094c928bf255dc572d28d",
}
BIBLE_BOOKS = (8, 17, 18, 19, 20, 21, 22, 25, 32, 45, 48, 58, 59, 66)
"""Ruth, Esther, Job, Psalms, Proverbs, Ecclesiastes, Song of Songs, Lamentations, Jonah, Romans, Galatians,
Hebrews, James, Revelation."""
REPEATED_PSALMS = (53, 70, 108)
DEV_MONTHS = ("202210",)
MAX_NEGATIVES_PER_TEMPLATE = 60


def git(mirrors: Path, repo: str, *args: str) -> str:
    path = mirrors / repo.replace("/", "+") / "repo"
    return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True).stdout.decode("utf-8")


def show(mirrors: Path, repo: str, path: str) -> str | None:
    try:
        return git(mirrors, repo, "show", f"{SOURCES[repo]}:{path}")
    except subprocess.CalledProcessError:
        return None


def html_to_text(text: str) -> str:
    text = re.sub(r"<br\s*/?>|</p>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def xwlb_stories(markdown: str, *, from_html: bool) -> list[tuple[str, str]]:
    """(title, text) of each story under ``## 详细新闻``; the text starts with its title line."""
    body = markdown.split("## 详细新闻", 1)[-1]
    stories = []
    for chunk in re.split(r"^### ", body, flags=re.MULTILINE)[1:]:
        title, _, text = chunk.partition("\n")
        text = html_to_text(text) if from_html else text
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
        if len(text) >= 20:
            stories.append((title.strip(), f"{title.strip()}\n\n{text}"))
    return stories


def build_xwlb(mirrors: Path, months: tuple[str, ...] = DEV_MONTHS) -> tuple[list[dict], list[dict]]:
    documents, by_title = [], defaultdict(list)
    days = [f"{month}{day:02d}" for month in months for day in range(1, 32)]
    for repo, tag, from_html in (
        ("DuckBurnIncense/xin-wen-lian-bo", "xwlb-d", True),
        ("yuekcc/cctv_news", "xwlb-y", False),
    ):
        for day in days:
            markdown = show(mirrors, repo, f"news/{day}.md")
            if markdown is None:
                continue
            for n, (title, text) in enumerate(xwlb_stories(markdown, from_html=from_html)):
                # A tag is not the story; a title's spaces are written either way (U+00A0 in one scrape).
                story = f"xwlb/{day}/" + " ".join(re.sub(r"【[^】]*】|\[[^\]]*\]", "", title).split())
                documents.append({"id": f"{tag}/{day}/{n:02d}", "text": text, "source": repo, "story": story})
                if tag == "xwlb-y":
                    by_title[re.sub(r"\d+", "#", title)].append(documents[-1]["id"])
    negatives = []
    for title, ids in sorted(by_title.items()):
        for a, b in itertools.islice(itertools.combinations(ids, 2), MAX_NEGATIVES_PER_TEMPLATE):
            negatives.append({"a": a, "b": b, "regime": "template", "template": title})
    return documents, negatives


_ALIAS = re.compile(r"^> (?:此命令为|此命令為|这是|這是)[^`\n]*`([^`\n]+)`[^\n]*(?:别名|別名)", re.MULTILINE)


def tldr_story(page: str, simplified: str) -> str:
    """What a tldr page documents: the command an alias page points to, else the command it is named after.

    Pages of one command on several platforms (``freebsd/chsh``, ``netbsd/chsh``) and
    alias pages of one command (``ghy``, ``h``, ``history``) are one story.
    """
    alias = _ALIAS.search(simplified)
    if alias:
        return "tldr/" + alias.group(1).strip()
    return "tldr/" + page.rsplit("/", 1)[-1].removesuffix(".md")


def build_tldr(mirrors: Path) -> tuple[list[dict], list[dict]]:
    repo = "tldr-pages/tldr"
    listing = git(mirrors, repo, "ls-tree", "-r", "--name-only", SOURCES[repo], "pages.zh", "pages.zh_TW").split()
    pages = defaultdict(dict)
    for path in listing:
        folder, _, page = path.partition("/")
        pages[page][folder] = path
    documents, aliases = [], defaultdict(list)
    for page, paths in sorted(pages.items()):
        if len(paths) != 2:
            continue
        texts = {folder: show(mirrors, repo, path) for folder, path in paths.items()}
        if None in texts.values():
            continue
        story = tldr_story(page, texts["pages.zh"])
        for folder, tag in (("pages.zh", "tldr-zh"), ("pages.zh_TW", "tldr-tw")):
            documents.append({"id": f"{tag}/{page}", "text": texts[folder], "source": repo, "story": story})
        if _ALIAS.search(texts["pages.zh"]):
            aliases[story].append(f"tldr-zh/{page}")
    # Alias pages of different commands: one template, different stories.
    firsts = [ids[0] for _, ids in sorted(aliases.items())]
    negatives = [
        {"a": a, "b": b, "regime": "template", "template": "tldr alias page"}
        for a, b in itertools.islice(itertools.combinations(firsts, 2), 0, None, 7)
    ][: 4 * MAX_NEGATIVES_PER_TEMPLATE]
    return documents, negatives


def bible_chapters(source: str) -> dict[int, str]:
    """Each chapter of a book file (``var book = {...}``) as text: a verse a line, its number first, markup removed."""
    book = json.loads(source[source.index("{") : source.rindex("}") + 1])
    chapters = {}
    for chapter, verses in book["chapters"].items():
        lines = [re.sub(r"<[^>]+>", "", verses[verse]).strip() for verse in sorted(verses, key=int)]
        chapters[int(chapter)] = "\n".join(lines)
    return chapters


def build_bible(mirrors: Path) -> tuple[list[dict], list[dict]]:
    repo = "tkacikr/bible-tools"
    documents = []
    for book in BIBLE_BOOKS:
        editions = {}
        for edition, tag in (("cuv", "bible-t"), ("cuvs", "bible-s")):
            source = show(mirrors, repo, f"bibles/zh/{edition}/books/{book:02d}.js")
            if source is None:
                raise SystemExit(f"{repo}: no book {book} of {edition}")
            editions[tag] = bible_chapters(source)
        for chapter in sorted(set(editions["bible-t"]) & set(editions["bible-s"])):
            if book == 19 and chapter in REPEATED_PSALMS:
                continue
            for tag, chapters in editions.items():
                doc_id = f"{tag}/{book:02d}/{chapter:03d}"
                documents.append({"id": doc_id, "text": chapters[chapter], "source": repo, "story": f"bible/{book:02d}/{chapter:03d}"})
    return documents, []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--months", nargs="+", help="Only the 新闻联播 transcripts of these months (YYYYMM): a held-out set.")
    parser.add_argument("--name", default="xwlb-heldout", help="With --months: writes NAME.jsonl.gz and NAME-pairs.jsonl.")
    args = parser.parse_args()
    documents, negatives = [], []
    builds = [lambda mirrors: build_xwlb(mirrors, tuple(args.months))] if args.months else [build_xwlb, build_tldr, build_bible]
    for build in builds:
        found, hard = build(args.mirrors)
        documents += found
        negatives += hard
    data, pairs = (f"{args.name}.jsonl.gz", f"{args.name}-pairs.jsonl") if args.months else ("devset.jsonl.gz", "pairs.jsonl")
    with gzip.open(HERE / data, "wt", encoding="utf-8", compresslevel=9) as out:
        for document in documents:
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
    with open(HERE / pairs, "w", encoding="utf-8") as out:
        for pair in negatives:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    stories = defaultdict(int)
    for document in documents:
        stories[document["story"]] += 1
    print(
        f"{len(documents)} documents, {sum(n * (n - 1) // 2 for n in stories.values())} same-story pairs, "
        f"{len(negatives)} hard negatives"
    )


if __name__ == "__main__":
    main()
