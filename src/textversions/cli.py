"""The ``textversions`` command: a thin click layer over the library.

Library errors become CLI errors here and nowhere else (exit status 1, one line
on stderr); wrong usage exits 2.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import Progress
from rich.text import Text

from . import __version__
from .archive import Archive
from .calibrate import CONDITIONS, DEFAULT_GRID, Calibration, calibrate
from .collate import Collation, collate
from .compare import Comparison, compare
from .errors import TextVersionsError
from .explain import explain
from .edits import COSMETIC_KINDS
from .find import Relation, Result, find_versions
from .io import decoded, read_paths, read_text_file, seed_corpus
from .report import (
    IMPORTANCE, calibration_html, collation_html, collation_markdown, collation_tei, comparison_html, comparison_markdown,
    result_html, result_markdown, score_text,
)  # fmt: skip
from .options import (
    DEFAULT_MIN_COVERAGE, DEFAULT_MIN_PASSAGE, DEFAULT_NUM_PERM, DEFAULT_SEED, DEFAULT_SHINGLE, DEFAULT_THRESHOLD,
    DEFAULT_WINDOW, DEFAULT_WORD_WINDOW, Options,
)  # fmt: skip

_SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".md": "md", ".html": "html", ".htm": "html"}
_COLLATION_SUFFIXES = {".json": "json", ".md": "md", ".html": "html", ".htm": "html", ".xml": "tei"}


def _matching_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``compare`` and ``find_versions`` share, under the same names."""
    options = [
        click.option("--shingle", default=DEFAULT_SHINGLE, show_default=True, help="Characters per shingle."),
        click.option(
            "--min-coverage",
            default=DEFAULT_MIN_COVERAGE,
            show_default=True,
            help="Share of the shorter text that must align for version/contains.",
        ),
        click.option(
            "--min-passage",
            default=DEFAULT_MIN_PASSAGE,
            show_default=True,
            help="Characters a shared passage needs to count as reuse.",
        ),
        click.option(
            "--fold-script/--no-fold-script",
            default=True,
            show_default=True,
            help="Match traditional and simplified script as equal.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _reading_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--encoding`` and ``--delimiter``, for the commands that read files and tables."""
    command = click.option(
        "--delimiter", help="A CSV file's delimiter (default ,; a .tsv file's is a tab)."
    )(command)
    return click.option(
        "--encoding", help="The encoding of the input files (default: UTF-8, else detected and reported on stderr)."
    )(command)


class _EncodingNotes(logging.Handler):
    """What io reports about its input (an encoding detected) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _write(text: str, out: Path | None) -> None:
    """``text`` to stdout, or to ``out`` whole or not at all."""
    if out is None:
        click.echo(text)
        return
    with _replacing(out) as stream:
        stream.write(text)


@contextlib.contextmanager
def _replacing(out: Path) -> Iterator[TextIO]:
    """A temporary file beside ``out`` that becomes ``out`` when the block ends well — with the permissions
    a plain write gives (the old file's, else the umask's) — and is removed when it does not."""
    try:
        stream = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out.parent, prefix=f".{out.name}.", delete=False)
    except OSError as error:
        raise click.ClickException(f"cannot write --out {out}: {error.strerror or error}") from error
    try:
        with stream:
            yield stream
        try:
            mode = stat.S_IMODE(out.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(stream.name, mode)
        os.replace(stream.name, out)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(stream.name)
        if isinstance(error, OSError):
            raise click.ClickException(f"cannot write --out {out}: {error.strerror or error}") from error
        raise


@contextlib.contextmanager
def _record_writer(out: Path | None) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Write JSON records a line each, flushed as they come: to stdout, or through :func:`_replacing` to ``out``."""
    if out is None:
        yield lambda record: click.echo(json.dumps(record, ensure_ascii=False))
        return
    with _replacing(out) as stream:

        def write(record: dict[str, Any]) -> None:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            stream.flush()

        yield write


def _check_out(out: Path | None, requested: str | None, default: str, suffixes: dict[str, str] = _SUFFIX_FORMATS) -> str:
    """The format to write, decided and the target checked before any work: a known suffix, a writable folder."""
    if out is None:
        return requested or default
    if out.is_dir():
        raise click.ClickException(f"--out {out} is a folder; give a file name")
    suffix = out.suffix.lower()
    if requested is None and suffix not in suffixes:
        known = ", ".join(sorted(suffixes))
        raise click.ClickException(f"--out {out}: unknown suffix {suffix or '(none)'!r}; use {known}, or say --format")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out.parent):
            pass
    except OSError as error:
        raise click.ClickException(f"cannot write --out {out}: {error.strerror or error}") from error
    return requested or suffixes[suffix]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="textversions")
def main() -> None:
    """Find every version of a story in a pile of text and say what changed.

    \b
    Examples:
      textversions find                      # the embedded seed corpus, JSON to stdout
      textversions find news/ --out report.html
      textversions diff web.txt print.txt
      textversions collate web.txt print.txt reprint.txt --out story.html
      textversions explain web.txt print.txt
      textversions calibrate news/ --target-recall 0.99 --out calibration.html
      textversions archive add news.db today/ --window-days 3
    """
    notes = logging.getLogger("textversions.io")
    if not any(isinstance(handler, _EncodingNotes) for handler in notes.handlers):
        notes.addHandler(_EncodingNotes())
        notes.setLevel(logging.INFO)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl", "md", "html"]), help="Default: from --out's suffix, else json."
)
@click.option("--out", type=click.Path(), help="Write here instead of stdout (with --engine spark: a folder or URI).")
@click.option("--window", default=DEFAULT_WINDOW, show_default=True, help="Shingles per sketched window.")
@click.option(
    "--word-window", default=DEFAULT_WORD_WINDOW, show_default=True, help="Shingles per window of a text sketched by words."
)
@click.option("--num-perm", default=DEFAULT_NUM_PERM, show_default=True, help="MinHash permutations per window.")
@click.option("--threshold", default=DEFAULT_THRESHOLD, show_default=True, help="Window Jaccard the LSH is tuned for.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, help="Seed of the MinHash permutations.")
@click.option(
    "--word-shingles/--char-shingles",
    default=True,
    show_default=True,
    help="Sketch a word of an alphabetic script as one shingle unit, as one Chinese character is.",
)
@click.option(
    "--fold-punctuation/--keep-punctuation",
    default=True,
    show_default=True,
    help="Sketch every punctuation mark as one in character shingles (editions punctuate one text differently).",
)
@click.option(
    "--figures/--no-figures",
    default=True,
    show_default=True,
    help="Give each number of three digits or more a key of the sketch too (a rewritten story keeps its figures).",
)
@click.option(
    "--names/--no-names",
    default=True,
    show_default=True,
    help="Give each name of two capitalized words or more, and the heading, a key of the sketch too (alphabetic text).",
)
@click.option(
    "--headings/--no-headings",
    default=True,
    show_default=True,
    help="Give a text sketched by characters a key of its heading too (a page's other edition keeps its title).",
)
@click.option("--id-field", default="id", show_default=True, help="Id column of JSONL/CSV/Parquet input.")
@click.option("--text-field", default="text", show_default=True, help="Text column of JSONL/CSV/Parquet input.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(min=0), help="Processes to use (0: one per CPU)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--skip-unreadable", is_flag=True, help="Skip files and records that cannot be read, listing them, instead of failing."
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="spark: run on Apache Spark (pip install 'textversions[spark]'); reads tables, writes Parquet to --out.",
)
@click.option("--master", default="local[*]", show_default=True, help="Spark master URL (with --engine spark).")
@click.option(
    "--spark-conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Spark setting (with --engine spark), e.g. spark.sql.shuffle.partitions=2000; repeatable.",
)
@click.option("--collate", "with_collations", is_flag=True, help="Also collate each family of three or more documents.")
@_reading_options
@_matching_options
def find(
    paths: tuple[str, ...],
    fmt: str | None,
    out: str | None,
    id_field: str,
    text_field: str,
    workers: int,
    quiet: bool,
    skip_unreadable: bool,
    engine: str,
    master: str,
    spark_conf: tuple[str, ...],
    with_collations: bool,
    encoding: str | None,
    delimiter: str | None,
    **options: Any,
) -> None:
    """Find versions among PATHS: .txt/.md files, folders of them, JSONL/CSV/Parquet
    tables, or - for JSONL on stdin. Without PATHS: the embedded seed corpus.

    \b
    Examples:
      textversions find --out report.html
      textversions find archive/ --format md --out families.md
      textversions find archive/ --collate --out report.html
      textversions find articles.parquet --id-field url --text-field body
      cat articles.jsonl | textversions find - --format json
      textversions find archive.parquet --engine spark --master spark://host:7077 --out found/
    """
    settings = _options(options)
    if engine == "spark":
        if fmt or skip_unreadable or with_collations or encoding or delimiter:
            raise click.UsageError(
                "--engine spark writes Parquet folders to --out; --format, --skip-unreadable, --collate, --encoding and "
                "--delimiter are local-only"
            )
        if out is None:
            raise click.UsageError("--engine spark needs --out: a folder for relations.parquet and families.parquet")
        spark_settings = dict(_setting(entry) for entry in spark_conf)
        _find_on_spark(paths, out, master, spark_settings, id_field, text_field, settings)
        return
    _find_locally(
        [Path(path) for path in paths], fmt, Path(out) if out else None, id_field, text_field, workers, quiet,
        skip_unreadable, with_collations, settings, {"encoding": encoding, "delimiter": delimiter},
    )  # fmt: skip


def _options(flags: dict[str, Any]) -> Options:
    """The flags shared with the library as one :class:`Options`, checked before any work is done."""
    try:
        return Options(**flags)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error


def _find_locally(
    paths: list[Path],
    fmt: str | None,
    out: Path | None,
    id_field: str,
    text_field: str,
    workers: int,
    quiet: bool,
    skip_unreadable: bool,
    with_collations: bool,
    options: Options,
    reading: dict[str, str | None],
) -> None:
    fmt = _check_out(out, fmt, "json")
    skipped: list[dict[str, str]] = []

    def skip(source: str, reason: str) -> None:
        skipped.append({"source": source, "reason": reason})
        click.echo(f"skipped {reason}", err=True)

    with contextlib.ExitStack() as stack:
        # JSON lines are streamed: each relation written (and flushed) as soon as it is verified.
        write = stack.enter_context(_record_writer(out)) if fmt == "jsonl" else None
        try:
            on_error = skip if skip_unreadable else None
            docs = (
                read_paths(paths, id_field=id_field, text_field=text_field, on_error=on_error, **reading)
                if paths else seed_corpus()
            )  # fmt: skip
            if fmt == "html" or with_collations:
                docs = list(docs)  # the page and the collations show the texts; otherwise they are streamed
            with _progress(quiet) as report:
                result = find_versions(
                    docs, options=options, progress=report, workers=workers or os.cpu_count() or 1,
                    on_relation=(lambda relation: write(relation.record())) if write else None,
                )  # fmt: skip
        except TextVersionsError as error:
            raise click.ClickException(str(error)) from error
        if paths and not result.ids:
            raise click.ClickException(f"no documents in {', '.join(map(str, paths))}" + (" (every one skipped)" if skipped else ""))
        collations = _family_collations(result, dict(docs)) if with_collations else []  # type: ignore[arg-type]
        if write is not None:
            for record in result.closing_records() + [{"record": "skipped", **entry} for entry in skipped]:
                write(record)
            for number, collation in collations:
                write({"record": "collation", "family": number, "collation": collation.to_dict()})
    if fmt == "json":
        data = result.to_dict()
        if skip_unreadable:
            data["skipped"] = skipped
        if with_collations:
            data["collations"] = [{"family": number, "collation": c.to_dict()} for number, c in collations]
        _write(json.dumps(data, ensure_ascii=False, indent=2), out)
    elif fmt == "md":
        _write(result_markdown(result, collations=collations), out)
    elif fmt == "html":
        _write(result_html(result, dict(docs), collations=collations), out)  # type: ignore[arg-type]
    if out is not None:
        click.echo(
            f"wrote {out} ({len(result.ids)} documents, {len(result.families)} families, "
            f"{len(result.relations)} relations)",
            err=True,
        )
    approximate = sum(relation.comparison.approximate for relation in result.relations)
    if approximate:
        click.echo(f"approximate: {approximate} relation(s) hold a stretch too long to align character by character", err=True)


def _family_collations(result: Result, texts: dict[str, str]) -> list[tuple[int, Collation]]:
    """The collation of each family of three or more documents, by family number."""
    try:
        return [(number, result.collate(number, texts)) for number, family in enumerate(result.families) if len(family) >= 3]
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error


def _setting(entry: str) -> tuple[str, str]:
    key, equals, value = entry.partition("=")
    if not equals or not key.strip():
        raise click.UsageError(f"--spark-conf {entry!r}: expected KEY=VALUE")
    return key.strip(), value.strip()


def _find_on_spark(
    paths: tuple[str, ...],
    out: str,
    master: str,
    settings: dict[str, str],
    id_field: str,
    text_field: str,
    options: Options,
) -> None:
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise click.ClickException("--engine spark needs pyspark: pip install 'textversions[spark]'")
    from .spark import find_versions_spark, read_documents, spark_session

    spark = spark_session(master, config=settings)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        if paths:
            table = read_documents(spark, list(paths))
        else:
            table = spark.createDataFrame(seed_corpus(), f"{id_field} string, {text_field} string")
        found = find_versions_spark(table, id_field=id_field, text_field=text_field, options=options)
        where = out.rstrip("/")
        found.relations.write.mode("overwrite").parquet(f"{where}/relations.parquet")
        found.families.write.mode("overwrite").parquet(f"{where}/families.parquet")
        families = spark.read.parquet(f"{where}/families.parquet")
        counts = (families.count(), families.select("family").distinct().count())
        relations = spark.read.parquet(f"{where}/relations.parquet").count()
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    finally:
        spark.stop()
    click.echo(f"wrote {where}/ ({counts[0]} documents, {counts[1]} families, {relations} relations)", err=True)


class _DiffTrouble(click.ClickException):
    """Trouble in ``diff`` (a file that cannot be read, bad text): exit status 2, as GNU diff's."""

    exit_code = 2


@main.command()
@click.argument("a", type=click.Path(path_type=Path, allow_dash=True))
@click.argument("b", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), help="Default: from --out, else text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--cosmetic/--no-cosmetic", default=False, help="Also list cosmetic edits (text format).")
@click.option(
    "--context", "context", default=10, show_default=True, type=click.IntRange(min=0),
    help="Characters of a shown before and after each edit (text format).",
)  # fmt: skip
@click.option("--encoding", help="The encoding of A and B (default: UTF-8, else detected and reported on stderr).")
@_matching_options
def diff(
    a: Path, b: Path, fmt: str | None, out: Path | None, cosmetic: bool, context: int, encoding: str | None, **options: Any
) -> None:
    """Compare two text files A and B (either may be - for stdin) and list every edit.

    Exit status, as GNU diff's: 0 when the texts are the same, 1 when they differ
    (also when the alignment is approximate, which stderr and every format say),
    2 on trouble (a file that cannot be read, wrong usage).

    \b
    Examples:
      textversions diff web.txt print.txt
      textversions diff web.txt print.txt --format html --out diff.html
      curl -s https://example.org/story.txt | textversions diff - saved/story.txt
    """
    settings = _options(options)
    if str(a) == "-" and str(b) == "-":
        raise click.UsageError("only one of A and B can be - (stdin)")
    try:
        fmt = _check_out(out, fmt, "text")
    except click.ClickException as error:
        raise _DiffTrouble(error.message) from error
    try:
        text_a, text_b = _read_side(a, encoding), _read_side(b, encoding)
        comparison = compare(text_a, text_b, options=settings)
    except TextVersionsError as error:
        raise _DiffTrouble(str(error)) from error
    name_a, name_b = _labels(a, b)
    if fmt == "json":
        _write(comparison.to_json(indent=2), out)
    elif fmt == "md":
        _write(comparison_markdown(comparison, name_a, name_b), out)
    elif fmt == "html":
        _write(comparison_html(comparison, text_a, text_b, name_a, name_b), out)
    else:
        console = Console(file=sys.stdout, highlight=False, soft_wrap=True)
        _print_terminal(console, comparison, text_a, (name_a, name_b), cosmetic, context)
    if comparison.approximate:
        click.echo(f"approximate: {name_a} and {name_b} differ too much in places to align them character by character", err=True)
    sys.exit(1 if comparison.edits else 0)


def _read_side(path: Path, encoding: str | None) -> str:
    """One side of ``diff``: a file, or stdin for ``-`` (decoded as any file is: :func:`~textversions.io.decoded`)."""
    if str(path) == "-":
        return decoded(sys.stdin.buffer.read(), "stdin", encoding=encoding)
    return read_text_file(path, encoding=encoding)


def _labels(a: Path, b: Path) -> tuple[str, str]:
    """How the two sides are named: their file names without the suffix, or their paths where those are the same."""
    names = ["stdin" if str(p) == "-" else p.stem for p in (a, b)]
    if names[0] == names[1]:
        names = ["stdin" if str(p) == "-" else str(p) for p in (a, b)]
    return names[0], names[1]


@main.command(name="collate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--base", help="The witness the others are read against (default: the one the others hold most of).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "md", "html", "tei"]), help="Default: from --out's suffix, else text."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--cosmetic/--no-cosmetic", default=False, help="Also list cosmetic variants (text and md formats).")
@click.option("--id-field", default="id", show_default=True, help="Id column of JSONL/CSV/Parquet input.")
@click.option("--text-field", default="text", show_default=True, help="Text column of JSONL/CSV/Parquet input.")
@_reading_options
@_matching_options
def collate_command(
    paths: tuple[str, ...],
    base: str | None,
    fmt: str | None,
    out: Path | None,
    cosmetic: bool,
    id_field: str,
    text_field: str,
    encoding: str | None,
    delimiter: str | None,
    **options: Any,
) -> None:
    """Collate two or more versions of one story, given as files, folders or tables (as for find):
    one variant table, a reading of every witness at every place where they differ.

    \b
    Examples:
      textversions collate web.txt print.txt reprint.txt
      textversions collate versions/ --out story.html
      textversions collate versions/ --format tei --out story.xml
    """
    settings = _options(options)
    fmt = _check_out(out, fmt, "text", _COLLATION_SUFFIXES)
    try:
        docs = list(
            read_paths([Path(path) for path in paths], id_field=id_field, text_field=text_field, encoding=encoding, delimiter=delimiter)
        )
        collation = collate(docs, base=base, options=settings)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        _write(collation.to_json(indent=2), out)
    elif fmt == "md":
        _write(collation_markdown(collation, cosmetic=cosmetic), out)
    elif fmt == "html":
        _write(collation_html(collation), out)
    elif fmt == "tei":
        _write(collation_tei(collation), out)
    else:
        _print_collation(Console(file=sys.stdout, highlight=False, soft_wrap=True), collation, cosmetic)


@main.command(name="explain")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--window", default=DEFAULT_WINDOW, show_default=True, help="Shingles per sketched window.")
@click.option(
    "--word-window", default=DEFAULT_WORD_WINDOW, show_default=True, help="Shingles per window of a text sketched by words."
)
@click.option("--num-perm", default=DEFAULT_NUM_PERM, show_default=True, help="MinHash permutations per window.")
@click.option("--threshold", default=DEFAULT_THRESHOLD, show_default=True, help="Window Jaccard the LSH is tuned for.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, help="Seed of the MinHash permutations.")
@click.option("--word-shingles/--char-shingles", default=True, show_default=True, help="As for find.")
@click.option("--fold-punctuation/--keep-punctuation", default=True, show_default=True, help="As for find.")
@click.option("--figures/--no-figures", default=True, show_default=True, help="As for find.")
@click.option("--names/--no-names", default=True, show_default=True, help="As for find.")
@click.option("--headings/--no-headings", default=True, show_default=True, help="As for find.")
@_matching_options
def explain_command(a: Path, b: Path, fmt: str, **options: Any) -> None:
    """Explain why two text files A and B are (or are not) related: each stage of find with its
    figures and rule — candidate (shared LSH buckets), passage, relation (coverage, located
    region, template checks) — and which settings would change the outcome.

    \b
    Examples:
      textversions explain web.txt print.txt
      textversions explain web.txt print.txt --min-coverage 0.4 --format json
    """
    settings = _options(options)
    try:
        explanation = explain(read_text_file(a), read_text_file(b), options=settings)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(explanation.to_json(indent=2))
    else:
        click.echo(f"{a.stem} → {b.stem}: {explanation}")


def _values(kind: type) -> Callable[[click.Context, click.Parameter, str | None], tuple[Any, ...] | None]:
    """A click callback reading a comma-separated list of ``kind`` values."""

    def read(context: click.Context, parameter: click.Parameter, given: str | None) -> tuple[Any, ...] | None:
        if given is None:
            return None
        try:
            return tuple(kind(part) for part in given.split(",") if part.strip())
        except ValueError:
            raise click.BadParameter(f"expected comma-separated {kind.__name__} values, got {given!r}") from None

    return read


@main.command(name="calibrate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--sample", default=2000, show_default=True, type=click.IntRange(min=2), help="Documents of the corpus to sample.")
@click.option(
    "--kinds",
    callback=_values(str),
    help=f"Comma-separated kinds of version to plant (default: all of {', '.join(dict.fromkeys(k for k, _ in CONDITIONS))}).",
)
@click.option("--target-recall", default=0.99, show_default=True, type=click.FloatRange(0, 1, min_open=True))
@click.option("--thresholds", callback=_values(float), help=f"Thresholds to try (default {','.join(map(str, DEFAULT_GRID['threshold']))}).")
@click.option("--windows", callback=_values(int), help=f"Windows to try (default {','.join(map(str, DEFAULT_GRID['window']))}).")
@click.option(
    "--min-coverages", callback=_values(float), help=f"min_coverage values (default {','.join(map(str, DEFAULT_GRID['min_coverage']))})."
)
@click.option(
    "--min-passages", callback=_values(int), help=f"min_passage values (default {','.join(map(str, DEFAULT_GRID['min_passage']))})."
)
@click.option("--seed", default=0, show_default=True, help="Seed of the sample and the planting.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), help="Default: from --out's suffix, else text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--id-field", default="id", show_default=True, help="Id column of JSONL/CSV/Parquet input.")
@click.option("--text-field", default="text", show_default=True, help="Text column of JSONL/CSV/Parquet input.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_reading_options
def calibrate_command(
    paths: tuple[str, ...],
    sample: int,
    kinds: tuple[str, ...] | None,
    target_recall: float,
    thresholds: tuple[float, ...] | None,
    windows: tuple[int, ...] | None,
    min_coverages: tuple[float, ...] | None,
    min_passages: tuple[int, ...] | None,
    seed: int,
    fmt: str | None,
    out: Path | None,
    id_field: str,
    text_field: str,
    quiet: bool,
    encoding: str | None,
    delimiter: str | None,
) -> None:
    """Measure settings on your own corpus (PATHS as for find; none: the seed corpus): plant versions
    of a sample of its documents, run a grid of threshold, window, min_coverage and min_passage,
    report recall and precision per setting, kind and rate, and recommend a setting for a recall target.

    \b
    Examples:
      textversions calibrate news/
      textversions calibrate articles.parquet --text-field body --target-recall 0.95 --out calibration.html
      textversions calibrate news/ --kinds page,noise --thresholds 0.2,0.3 --format json
    """
    fmt = _check_out(out, fmt, "text", {".json": "json", ".html": "html", ".htm": "html"})
    grid = {
        name: given
        for name, given in (("threshold", thresholds), ("window", windows), ("min_coverage", min_coverages), ("min_passage", min_passages))
        if given is not None
    }
    try:
        docs = (
            read_paths([Path(p) for p in paths], id_field=id_field, text_field=text_field, encoding=encoding, delimiter=delimiter)
            if paths else seed_corpus()
        )  # fmt: skip
        with _progress(quiet) as report:
            calibration = calibrate(docs, sample=sample, kinds=kinds, grid=grid, target_recall=target_recall, seed=seed, progress=report)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        _write(calibration.to_json(indent=2), out)
    elif fmt == "html":
        _write(calibration_html(calibration), out)
    else:
        _print_calibration(Console(file=sys.stdout, highlight=False, width=120), calibration, " ".join(paths))


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("aligning pairs", total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None, description=stage)

        yield report


_COLOURS = {"number": "bold red", "substitution": "yellow", "insertion": "green", "deletion": "red", "caption": "blue"}


def _print_terminal(
    console: Console, comparison: Comparison, a: str, names: tuple[str, str], cosmetic: bool, context: int
) -> None:
    approximate = " (approximate: a stretch too long to align character by character)" if comparison.approximate else ""
    console.print(Text(f"{names[0]} → {names[1]}: {comparison.relation}{approximate}", style="bold"))
    console.print(Text(", ".join(f"{k} {score_text(v)}" for k, v in comparison.scores.to_dict().items()), style="dim"))
    console.print(Text(", ".join(f"{k}: {n}" for k, n in comparison.summary().items()), style="dim"))
    for edit in comparison.edits:
        if edit.cosmetic and not cosmetic:
            continue
        line = Text(f"{edit.kind:>12} ", style=_COLOURS.get(edit.kind, "cyan"))
        line.append(f"{edit.a_span[0]}-{edit.a_span[1]} ", style="dim")
        start, end = edit.a_span
        if context:
            line.append(_short(a[max(0, start - context) : start], context + 1, empty=""), style="dim")
            line.append("[")
        line.append(_short(edit.a_text), style="red")
        line.append(" → ")
        line.append(_short(edit.b_text), style="green")
        if context:
            line.append("]")
            line.append(_short(a[end : end + context], context + 1, empty=""), style="dim")
        console.print(line)


def _print_collation(console: Console, collation: Collation, cosmetic: bool) -> None:
    console.print(Text(f"{len(collation.witnesses)} witnesses, base {collation.base}", style="bold"))
    for witness, relation in collation.relations.items():
        lo, hi = collation.regions[witness]
        console.print(Text(f"  {witness}: {relation}, characters {lo}-{hi}", style="dim"))
    shown = [variant for variant in collation.variants if cosmetic or not variant.cosmetic]
    console.print(Text(f"{len(collation.variants)} variants, {len(collation.substantive_variants)} substantive", style="dim"))
    for variant in shown:
        kinds = ", ".join(variant.kinds)
        line = Text(f"{variant.number:>5} ", style="dim")
        line.append(f"{kinds:<14} ", style=_COLOURS.get(variant.kinds[0], "cyan"))
        for n, group in enumerate(variant.groups):
            line.append(" | " if n else "")
            line.append(_short(variant.reading(group[0]).text, 30), style="green" if n else "")
            line.append(f" ({', '.join(group)})", style="dim")
        console.print(line)


def _print_calibration(console: Console, calibration: Calibration, corpus: str) -> None:
    from rich.table import Table

    table = Table(title=f"{len(calibration.settings)} settings on {calibration.documents} documents, {calibration.planted} planted versions")
    for column in ("threshold", "window", "min_coverage", "min_passage", "recall", "precision", "candidates", "s/1000 docs"):
        table.add_column(column, justify="right")
    chosen = calibration.recommended
    for setting in sorted(calibration.settings, key=lambda s: (-s.recall, -s.precision, s.seconds_per_1000))[:12]:
        values = [f"{setting.options[name]:g}" for name in ("threshold", "window", "min_coverage", "min_passage")]
        values += [f"{setting.recall:.3f}", f"{setting.precision:.3f}", str(setting.candidates), f"{setting.seconds_per_1000:.2f}"]
        table.add_row(*values, style="bold green" if setting is chosen else None)
    console.print(table)
    console.print(Text("Recall of the recommended setting per planted condition:", style="bold"))
    console.print(Text(", ".join(f"{k} {v:.2f}" for k, v in chosen.recall_by_condition.items())))
    if calibration.skipped:
        console.print(Text(f"No document could take: {', '.join(calibration.skipped)}", style="dim"))
    verdict = "reaches" if calibration.reached else "comes closest to (none reaches)"
    console.print(Text(f"The recommended setting {verdict} recall {calibration.target_recall:g}: "
                       f"recall {chosen.recall:.3f}, precision {chosen.precision:.3f}", style="bold"))  # fmt: skip
    console.print(calibration.command(corpus), soft_wrap=True)


def _short(text: str, limit: int = 50, *, empty: str = "∅") -> str:
    text = text.replace("\n", "⏎")
    return (text[: limit - 1] + "…" if len(text) > limit else text) or empty


@main.group(name="archive")
def archive_group() -> None:
    """A living archive in one SQLite file: add each day's documents, learn at once what they are versions of.

    \b
    Examples:
      textversions archive add news.db today/ --window-days 3
      textversions archive add news.db today.jsonl --date-field published --source-field paper
      textversions archive query news.db draft.txt
      textversions archive report news.db --since 2020-02-03 --out today.html
      textversions archive expire news.db --before 2019-01-01
      textversions archive compact news.db                # at a quiet hour
    """


def _archive(path: str, *, create: bool = False, **settings: Any) -> Archive:
    try:
        return Archive(path, create=create, **settings)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error


_SHOWN_RELATIONS = 40
"""Relations an archive command lists in the terminal; ``--out`` writes them all."""


def _print_relations(relations: Sequence[Relation], *, more: str = "") -> None:
    """One line per relation, versions of one story first, reuse last; the first ``_SHOWN_RELATIONS``, then
    how many more (``more``: where to find them)."""
    ordered = sorted(relations, key=lambda relation: IMPORTANCE.get(relation.kind, len(IMPORTANCE)))
    for relation in ordered[:_SHOWN_RELATIONS]:
        summary = ", ".join(f"{count} {kind}" for kind, count in relation.comparison.summary().items() if kind not in COSMETIC_KINDS)
        click.echo(f"  {relation.kind:<9} {relation.a} → {relation.b}" + (f"  ({summary})" if summary else ""))
    if len(ordered) > _SHOWN_RELATIONS:
        click.echo(f"  … and {len(ordered) - _SHOWN_RELATIONS} more{more}")


@archive_group.command(name="add")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--date-field", help="Column of JSONL/CSV/Parquet input holding each document's date (YYYY-MM-DD…).")
@click.option("--source-field", help="Column of JSONL/CSV/Parquet input holding where each document came from.")
@click.option("--window-days", type=click.IntRange(min=0), help="Compare only documents at most this many days apart (set when the archive is created).")
@click.option("--id-field", default="id", show_default=True, help="Id column of JSONL/CSV/Parquet input.")
@click.option("--text-field", default="text", show_default=True, help="Text column of JSONL/CSV/Parquet input.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write what this batch found: .json, .jsonl, .md or .html.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=0), help="Processes to use (0: one per CPU).")
@_reading_options
@_matching_options
@click.pass_context
def archive_add(
    context: click.Context,
    archive_path: str,
    paths: tuple[str, ...],
    date_field: str | None,
    source_field: str | None,
    window_days: int | None,
    id_field: str,
    text_field: str,
    out: str | None,
    workers: int,
    encoding: str | None,
    delimiter: str | None,
    **options: Any,
) -> None:
    """Add the documents of PATHS (as `find` reads them) to ARCHIVE, created if absent; print what they are
    versions of. Options of matching count when the archive is created and must match it afterwards."""
    target = Path(out) if out else None
    fmt = _check_out(target, None, "json") if target else None
    chosen = {name: value for name, value in options.items() if context.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE}
    extras: dict[str, dict[str, Any]] = {field: {} for field in (date_field, source_field) if field}
    try:
        docs = list(read_paths([Path(p) for p in paths], id_field=id_field, text_field=text_field, encoding=encoding,
                               delimiter=delimiter, extras=extras))  # fmt: skip
        if not docs:
            raise click.ClickException(f"no documents in {', '.join(paths)}")
        settings = {"window_days": window_days, "workers": workers or os.cpu_count() or 1}
        with _archive(archive_path, create=True, options=_options(chosen) if chosen else None, **settings) as archive:
            found = archive.add(docs, dates=extras.get(date_field or "", {}), sources=extras.get(source_field or "", {}))
            total = len(archive)
            texts = archive.texts(found.ids) if fmt == "html" else {}
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    noun = "document" if len(docs) == 1 else "documents"
    click.echo(f"{len(docs)} {noun} added to {archive_path} ({total} kept); {len(found.relations)} relation(s) found")
    _print_relations(found.relations, more=" (--out FILE writes them all)")
    if target is not None:
        _write_result(found, texts, fmt or "json", target)


def _write_result(result: Result, texts: dict[str, str], fmt: str, out: Path | None) -> None:
    if fmt == "json":
        _write(result.to_json(indent=2), out)
    elif fmt == "jsonl":
        _write(result.to_jsonl().rstrip("\n"), out)
    elif fmt == "md":
        _write(result_markdown(result), out)
    else:
        _write(result_html(result, texts), out)


@archive_group.command(name="query")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
@click.argument("path", type=click.Path(allow_dash=True))
@click.option("--date", help="The text's date, for an archive with a date window (default: today).")
@_reading_options
def archive_query(archive_path: str, path: str, date: str | None, encoding: str | None, delimiter: str | None) -> None:
    """What the text in PATH (- for stdin) is a version of in ARCHIVE, without adding it."""
    try:
        text = decoded(sys.stdin.buffer.read(), "<stdin>", encoding=encoding) if path == "-" else read_text_file(Path(path), encoding=encoding)
        with _archive(archive_path) as archive:
            relations = archive.query(text, date=date)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(relations)} relation(s) in {archive_path}")
    _print_relations(relations)


@archive_group.command(name="remove")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
@click.argument("ids", nargs=-1, required=True)
def archive_remove(archive_path: str, ids: tuple[str, ...]) -> None:
    """Remove the documents IDS from ARCHIVE, with their keys and relations."""
    try:
        with _archive(archive_path) as archive:
            removed = archive.remove(ids)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{removed} document{'' if removed == 1 else 's'} removed from {archive_path}")


@archive_group.command(name="expire")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
@click.option("--before", required=True, help="Remove the documents dated before this day (YYYY-MM-DD).")
def archive_expire(archive_path: str, before: str) -> None:
    """Remove from ARCHIVE every document dated before a day."""
    try:
        with _archive(archive_path) as archive:
            removed = archive.expire(before=before)
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{removed} document{'' if removed == 1 else 's'} removed from {archive_path}")


@archive_group.command(name="compact")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
def archive_compact(archive_path: str) -> None:
    """Merge ARCHIVE's key runs (a quiet hour's work that keeps each day's add quick)."""
    try:
        with _archive(archive_path) as archive:
            left = archive.compact()
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{archive_path}: {left} key run{'' if left == 1 else 's'}")


@archive_group.command(name="report")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False))
@click.option("--since", help="Only the relations of documents dated on or after this day (YYYY-MM-DD).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here: .json, .jsonl, .md or .html (default: JSON to stdout).")
def archive_report(archive_path: str, since: str | None, out: str | None) -> None:
    """Write ARCHIVE's relations and families, all or those since a day."""
    target = Path(out) if out else None
    fmt = _check_out(target, None, "json")
    try:
        with _archive(archive_path) as archive:
            result = archive.result(since=since)
            texts = archive.texts(result.ids) if fmt == "html" else {}
    except TextVersionsError as error:
        raise click.ClickException(str(error)) from error
    _write_result(result, texts, fmt, target)
    if target is not None:
        click.echo(f"wrote {target} ({len(result.ids)} documents, {len(result.relations)} relations)", err=True)


if __name__ == "__main__":
    main()
