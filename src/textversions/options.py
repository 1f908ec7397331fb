"""The options of every stage, as one frozen, validated value.

One :class:`Options` travels from the entry point (``compare``,
``find_versions``, ``SketchIndex``, the Spark engine, the CLI) to every stage;
each stage reads the fields it needs. Keyword arguments stay the convenient
spelling: ``find_versions(docs, shingle=4)`` is ``find_versions(docs,
options=Options(shingle=4))``. An option out of range is refused when the value
is built, with the option named, whichever door it came through.

>>> Options(shingle=4).shingle
4
>>> Options(threshold=7.0)
Traceback (most recent call last):
...
textversions.errors.InvalidInput: threshold must be in (0, 1), got 7.0
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypedDict

from .errors import InvalidInput

__all__ = [
    "Options", "OptionKeywords", "DEFAULT_SHINGLE", "DEFAULT_WINDOW", "DEFAULT_WORD_WINDOW", "DEFAULT_NUM_PERM", "DEFAULT_THRESHOLD",
    "DEFAULT_MIN_COVERAGE", "DEFAULT_MIN_PASSAGE", "DEFAULT_SEED",
]  # fmt: skip

DEFAULT_SHINGLE = 5
"""Characters per shingle: in Chinese, about a word pair."""
DEFAULT_WINDOW = 80
"""Shingles per sketched window."""
DEFAULT_WORD_WINDOW = 60
"""Shingles per sketched window of a text sketched by words: a word shingle spans more of a story than a Chinese
character shingle does (on English wire copy, 60 found 0.89 of the same-story pairs where 80 found 0.85, precision
0.965 against 0.963)."""
DEFAULT_NUM_PERM = 32
"""MinHash permutations per window."""
DEFAULT_THRESHOLD = 0.3
"""Window Jaccard similarity the LSH bands are tuned for."""
DEFAULT_MIN_COVERAGE = 0.5
"""Share of the shorter text that must align for a version or a containment."""
DEFAULT_MIN_PASSAGE = 40
"""Characters a shared passage needs for ``reuse``."""
DEFAULT_SEED = 1
"""Seed of the MinHash permutations (datasketch's default)."""

_MAX_NUM_PERM = 1024


@dataclass(frozen=True)
class Options:
    """What every stage may be told; built once, checked once.

    ``shingle`` (characters per n-gram), ``window`` (shingles per sketched
    window; ``word_window`` for a text sketched by words), ``num_perm``
    (MinHash permutations), ``threshold`` (window Jaccard similarity the LSH
    bands are tuned for), ``min_coverage`` (share of the
    shorter text that must align for a version or containment), ``min_passage``
    (characters a shared passage needs for ``reuse``; twice as many in alphabetic text), ``fold_script`` (treat
    traditional and simplified script as equal when matching), ``word_shingles``
    (the sketch counts a word of an alphabetic script as one unit of a shingle,
    as it counts one Chinese character; False: every character is a unit, as
    in alignment), ``fold_punctuation`` (a character sketch reads every punctuation
    mark as one: editions of one text punctuate it differently, 、/，/； and 〔/（), ``figures``
    (each number of three digits or more is a key of the sketch too: a rewritten
    story keeps its figures), ``names`` (each name of two capitalized words or more that a text sketched by
    words writes, and its heading, are keys too: a rewritten story keeps its names, a page its heading),
    ``headings`` (a text sketched by characters keys its heading too: a page's other edition, a story's other
    scrape keeps its title), ``seed`` (of the MinHash permutations).
    """

    shingle: int = DEFAULT_SHINGLE
    window: int = DEFAULT_WINDOW
    word_window: int = DEFAULT_WORD_WINDOW
    num_perm: int = DEFAULT_NUM_PERM
    threshold: float = DEFAULT_THRESHOLD
    min_coverage: float = DEFAULT_MIN_COVERAGE
    min_passage: int = DEFAULT_MIN_PASSAGE
    fold_script: bool = True
    word_shingles: bool = True
    fold_punctuation: bool = True
    figures: bool = True
    names: bool = True
    headings: bool = True
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        _whole("shingle", self.shingle, 1)
        _whole("window", self.window, 2)
        _whole("word_window", self.word_window, 2)
        _whole("num_perm", self.num_perm, 1, _MAX_NUM_PERM)
        _whole("min_passage", self.min_passage, 1)
        _whole("seed", self.seed, 0, 2**32 - 1)
        _share("threshold", self.threshold, closed=False)
        _share("min_coverage", self.min_coverage, closed=True)
        for name in ("fold_script", "word_shingles", "fold_punctuation", "figures", "names", "headings"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInput(f"{name} must be True or False, got {getattr(self, name)!r}")
        # Whole floats are held as floats, so that equal options print and compare alike.
        object.__setattr__(self, "threshold", float(self.threshold))
        object.__setattr__(self, "min_coverage", float(self.min_coverage))

    @classmethod
    def of(cls, options: Options | None = None, **changes: Any) -> Options:
        """``options`` (or the defaults) with ``changes``; an unknown name is an error naming it.

        >>> Options.of(Options(shingle=4), min_passage=20).min_passage
        20
        """
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise InvalidInput(f"unknown option {unknown[0]!r}")
        base = options if options is not None else cls()
        if not isinstance(base, Options):
            raise InvalidInput(f"options must be an Options, got {type(base).__name__}")
        return dataclasses.replace(base, **changes) if changes else base

    def to_dict(self) -> dict[str, Any]:
        """The options by name, in declaration order (as the output's ``options`` record)."""
        return dataclasses.asdict(self)


class OptionKeywords(TypedDict, total=False):
    """The fields of :class:`Options` as keyword arguments (``**keywords: Unpack[OptionKeywords]``)."""

    shingle: int
    window: int
    word_window: int
    num_perm: int
    threshold: float
    min_coverage: float
    min_passage: int
    fold_script: bool
    word_shingles: bool
    fold_punctuation: bool
    figures: bool
    names: bool
    headings: bool
    seed: int


def _whole(name: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"from {low} to {high}"
        raise InvalidInput(f"{name} must be {bounds}, got {value}")


def _share(name: str, value: object, *, closed: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{name} must be a number, got {value!r}")
    if not (0.0 < value <= 1.0 if closed else 0.0 < value < 1.0):
        raise InvalidInput(f"{name} must be in (0, {'1]' if closed else '1)'}, got {value}")
