"""Invariants, checked on arbitrary text: lossless edits, offset maps, datasketch signatures."""

from __future__ import annotations

import os
import unicodedata

import datasketch
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textversions import compare, normalize
from textversions.options import Options
from textversions.shingle import shingle_hash, shingle_hashes, shingles, sketch_hashes, sketch_shingles
from textversions.sketch import minhash, signatures, sketch_keys, sketch_keys_batch, window_minhashes

# Real-world hostility: CJK, full-width forms, astral characters, emoji, combining
# marks, CR/CRLF, zero-width characters, traditional script.
_PIECES = st.sampled_from(
    ["中", "文", "的", "1", "１", ".", "。", "，", ",", "万", " ", "\n", "\r\n", "\r", "\t", "a", "A", "Ａ",
     "é", "e\u0301", "𠀀", "😀", "\u200b", "\ufeff", "奮", "戰", "▲", "…", "½", "ﬁ", "İ", "\x00"]
)
texty = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=40).map("".join)
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@given(texty, texty)
def test_edits_rebuild_b_from_a(a, b):
    comparison = compare(a, b)
    assert comparison.apply(a) == b
    for edit in comparison.edits:
        assert a[slice(*edit.a_span)] == edit.a_text
        assert b[slice(*edit.b_span)] == edit.b_text


@settings(max_examples=10_000 if os.environ.get("CI") else 200, deadline=None)
@given(any_text, any_text)
def test_edits_rebuild_b_from_a_any_unicode(a, b):
    """10,000 examples in CI: arbitrary Unicode (surrogates, which Python cannot encode, aside)."""
    assert compare(a, b).apply(a) == b


@given(texty, st.data())
def test_edits_rebuild_a_mutated_copy(a, data):
    """Close versions (the realistic case): a with a few characters changed."""
    chars = list(a)
    for _ in range(data.draw(st.integers(0, 4))):
        if chars:
            chars[data.draw(st.integers(0, len(chars) - 1))] = data.draw(_PIECES)
    b = "".join(chars)
    assert compare(a, b).apply(a) == b


def _single_fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


@given(st.one_of(texty, any_text))
def test_offset_map_points_at_the_source_character(text):
    n = normalize(text, fold_script=False)
    assert len(n.offsets) == len(n.text)
    assert np.all(np.diff(n.offsets) >= 0)
    for i, char in enumerate(n.text):
        source = text[n.offsets[i] : n.end(i)]
        layout = source.isspace() or all(unicodedata.category(c) == "Cf" for c in source)  # invisible format marks
        assert char in _single_fold(source) or (char == " " and (layout or " " in _single_fold(source)))


@given(st.one_of(texty, any_text))
def test_offset_map_round_trips_spans(text):
    n = normalize(text)
    assert 0 <= n.boundary(0) <= n.boundary(len(n.text)) == len(text)
    for start in range(len(n.text)):
        lo, hi = n.original_span(start, start + 1)
        assert 0 <= lo < hi <= len(text)
        assert lo == n.offsets[start]


@given(texty)
def test_normalization_is_idempotent_on_its_output(text):
    once = normalize(text).text
    assert normalize(once).text == once


@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=30), st.integers(1, 2**31))
def test_signatures_equal_datasketch(tokens, seed):
    reference = datasketch.MinHash(num_perm=32, seed=seed, hashfunc=shingle_hash)
    reference.update_batch(tokens)
    ours = minhash(np.array([shingle_hash(t) for t in tokens], dtype=np.uint32), num_perm=32, seed=seed)
    assert np.array_equal(reference.hashvalues, ours)


@given(st.lists(texty, max_size=70), st.integers(1, 7), st.booleans(), st.booleans(), st.sampled_from([1, 2]))
def test_batch_signatures_of_raw_text_equal_datasketch(texts, shingle, fold_script, words, workers):
    options = Options(shingle=shingle, num_perm=16, fold_script=fold_script, word_shingles=words)
    rows = signatures(texts, options, workers=workers)
    assert rows.shape == (len(texts), 16)
    for text, row in zip(texts, rows):
        folded = normalize(text, fold_script=fold_script).text
        grams = sketch_shingles(folded, shingle, words=words)
        reference = datasketch.MinHash(num_perm=16, hashfunc=shingle_hash)
        reference.update_batch(grams)
        assert np.array_equal(reference.hashvalues, row)


@given(st.lists(texty, max_size=40), st.integers(2, 40), st.integers(2, 40), st.booleans(), st.booleans())
def test_batch_lsh_keys_equal_those_of_each_text(texts, window, word_window, fold_script, words):
    options = Options(window=window, word_window=word_window, fold_script=fold_script, word_shingles=words)
    counts, keys = sketch_keys_batch(texts, options)
    assert counts.tolist() == [len(sketch_keys(t, options)) for t in texts]
    expected = [sketch_keys(t, options) for t in texts]
    assert keys.tolist() == (np.concatenate(expected).tolist() if expected else [])


@given(texty, st.integers(1, 7))
def test_sketch_shingles_are_words_in_alphabetic_text_and_characters_in_chinese(text, size):
    folded = normalize(text).text
    assert sketch_hashes(folded, size).tolist() == [shingle_hash(s) for s in sketch_shingles(folded, size)]
    assert sketch_hashes(folded, size, words=False).tolist() == [shingle_hash(s) for s in sketch_shingles(folded, size, words=False)]
    assert sketch_hashes(folded, size, words=False, fold_punctuation=False).tolist() == shingle_hashes(folded, size).tolist()
    han = "".join(c for c in folded if "\u4e00" <= c <= "\u9fff")
    assert sketch_hashes(han, size).tolist() == shingle_hashes(han, size).tolist()
    latin = "".join(c if c.isascii() else " " for c in folded).strip()
    if any(c.isalpha() for c in latin):  # text without letters (digits, signs) is sketched by character
        for gram in sketch_shingles(latin, size, fold_punctuation=False):
            assert gram == gram.strip() and gram in latin


def test_a_word_is_one_unit_of_a_sketch_shingle_unless_the_text_is_chinese():
    assert sketch_shingles("the information age, 信 begins", 3, fold_punctuation=False) == [
        "the information age", "information age,", "age, 信", ", 信 begins",
    ]  # fmt: skip
    assert sketch_shingles("the information age, 信 begins", 3)[1:3] == ["information age,", "age, 信"]  # a word sketch keeps marks
    assert sketch_shingles("信息时代，开始", 3)[2:4] == ["时代.", "代.开"]  # a character sketch reads any mark as one
    assert sketch_shingles("информация о мире", 2) == ["информация о", "о мире"]
    # A Chinese text with English words and code keeps its character shingles.
    assert sketch_shingles("信息时代 begins", 3) == shingles("信息时代 begins", 3)


@given(st.text(min_size=1, max_size=200), st.integers(2, 40))
def test_window_signatures_equal_datasketch_per_window(text, window):
    hashes = shingle_hashes(text, 5)
    grams = shingles(text, 5)
    assert [shingle_hash(g) for g in grams] == hashes.tolist()
    step = window // 2
    for k, signature in enumerate(window_minhashes(hashes, window=window, num_perm=16)):
        reference = datasketch.MinHash(num_perm=16, hashfunc=shingle_hash)
        reference.update_batch(grams[k * step : k * step + 2 * step])
        assert np.array_equal(reference.hashvalues, signature)


def _reference_bucket_pairs(keys, max_bucket, bands):
    """The candidate rules written plainly: dicts and loops, no packing, no partitions."""
    width = max(1, len(keys))
    bits = width.bit_length()
    members: dict[int, list[int]] = {}
    for number, doc_keys in enumerate(keys):
        for key in {int(k) >> bits for k in doc_keys}:
            members.setdefault(key, []).append(number)
    big_of = [0] * len(keys)
    for group in members.values():
        if len(group) > max_bucket:
            for number in group:
                big_of[number] += 1
    found: dict[tuple[int, int], int] = {}
    for group in members.values():
        if len(group) > max_bucket:
            group = [n for n in group if big_of[n] >= 0.8 * max(1, len(keys[n]))]
            links = list(zip(group, group[1:]))
        else:
            links = [(x, y) for i, x in enumerate(group) for y in group[i + 1 :]]
        for link in links:
            found[link] = found.get(link, 0) + 1
    # Three shared buckets, or all the smaller document has; two when the smaller is one window (fewer keys than
    # 1.5 times the bands: its bands and a few figure and name keys).
    smaller = {pair: min(len(keys[pair[0]]), len(keys[pair[1]])) for pair in found}
    return {pair: count for pair, count in found.items() if count >= min(3, smaller[pair], 2 if 2 * smaller[pair] < 3 * bands else 3)}


@given(
    st.lists(st.lists(st.integers(0, 40), max_size=30), max_size=40),
    st.integers(2, 6),
    st.integers(0, 12),
    st.sampled_from([1, 2]),
)
def test_bucket_pairs_follow_their_rules(docs, max_bucket, bands, workers):
    from textversions.candidates import Buckets

    # Keys spread over the whole 64-bit space (so every partition is used), few distinct ones (so buckets fill).
    keys = [np.array(sorted({(k * 0x9E3779B97F4A7C15) % 2**64 for k in doc}), dtype=np.uint64) for doc in docs]
    first, second, shared = Buckets.of(keys).pairs(max_bucket=max_bucket, bands=bands, workers=workers)
    found = dict(zip(zip(first.tolist(), second.tolist()), shared.tolist()))
    assert found == _reference_bucket_pairs(keys, max_bucket, bands)


@given(
    st.lists(st.lists(st.integers(0, 40), max_size=30), max_size=40),
    st.integers(2, 6),
    st.integers(0, 12),
    st.integers(1, 3),
)
def test_bucket_pairs_by_partition_follow_the_same_rules(docs, max_bucket, bands, part_bits):
    """The distributed engine's steps (each key-space partition paired alone, big buckets counted and chained, the
    partitions' counts summed, pairs of documents with enough keys kept on three shared buckets alone) give the
    same pairs as the rules written plainly."""
    from textversions.candidates import (
        MIN_SHARED_BUCKETS, always_needed, big_bucket_counts, chained_pairs, needed_buckets, partition_pairs, summed,
    )  # fmt: skip

    keys = [np.array(sorted({(k * 0x9E3779B97F4A7C15) % 2**64 for k in doc}), dtype=np.uint64) for doc in docs]
    width = max(1, len(keys))
    bits = width.bit_length()
    words = [((k >> np.uint64(bits)) << np.uint64(bits)) | np.uint64(n) for n, doc_keys in enumerate(keys) for k in doc_keys]
    parts: dict[int, list[int]] = {}
    for word, key in zip(words, [k for doc_keys in keys for k in doc_keys]):
        parts.setdefault(int(key) >> (64 - part_bits), []).append(word)
    paired = [partition_pairs(np.array(part, dtype=np.uint64), bits, width, max_bucket) for part in parts.values()]
    in_big = np.zeros(width, dtype=np.int64)
    for _, _, big in paired:
        documents, counts = big_bucket_counts(big, bits)
        in_big[documents] += counts
    saturated = np.flatnonzero(in_big >= 0.8 * np.maximum(1, [len(k) for k in keys] or [1]))
    codes = [c for c, _, _ in paired] + [chained_pairs(big, bits, width, saturated)[0] for _, _, big in paired]
    shared = [s for _, s, _ in paired] + [chained_pairs(big, bits, width, saturated)[1] for _, _, big in paired]
    codes, shared = summed(np.concatenate(codes or [np.zeros(0, np.int64)]), np.concatenate(shared or [np.zeros(0, np.int64)]))
    found = {}
    for code, count in zip(codes.tolist(), shared.tolist()):
        low, high = divmod(code, width)
        smaller = min(len(keys[low]), len(keys[high]))
        if count < MIN_SHARED_BUCKETS and smaller >= always_needed(bands):
            continue  # what the distributed engine drops before it looks up the sizes
        if count >= needed_buckets(len(keys[low]), len(keys[high]), bands):
            found[(low, high)] = count
    assert found == _reference_bucket_pairs(keys, max_bucket, bands)


@given(st.text(alphabet="abc中文", max_size=80), st.text(alphabet="abc中文", max_size=80), st.integers(1, 6))
def test_anchors_are_exact_matches_maximal_to_the_left_in_order(a, b, shingle):
    from textversions.align import anchors

    found = anchors(a, b, shingle=shingle)
    for m in found:
        assert a[m.a_start : m.a_end] == b[m.b_start : m.b_end] and m.length >= shingle
        # Maximal: the match does not go on to the left (a run starts where the diagonal starts matching).
        assert m.a_start == 0 or m.b_start == 0 or a[m.a_start - 1] != b[m.b_start - 1] or _too_common(a, b, m, shingle)
    assert found == sorted(found, key=lambda m: (m.a_start, m.b_start))


def _too_common(a, b, m, shingle):
    """The shingle before the match is too frequent to anchor on, so the run stops there."""
    from textversions.align import MAX_OCCURRENCES

    gram = a[m.a_start - 1 : m.a_start - 1 + shingle]
    count = lambda text: sum(text[k : k + shingle] == gram for k in range(len(text) - shingle + 1))  # noqa: E731
    return count(a) > MAX_OCCURRENCES or count(b) > MAX_OCCURRENCES or len(gram) < shingle


@given(st.lists(st.integers(0, 2**32 - 1), max_size=60), st.lists(st.integers(0, 2**32 - 1), max_size=60))
def test_hash_set_helpers_match_python_sets(values, queries):
    from textversions.shingle import ShingleSet, distinct_overlap, found_in

    queries = queries + values[: len(values) // 2]
    v, q = np.array(values, dtype=np.uint32), np.array(queries, dtype=np.uint32)
    assert found_in(q, v).tolist() == [x in set(values) for x in queries]
    assert ShingleSet(v).contains(q).tolist() == [x in set(values) for x in queries]
    assert distinct_overlap(q, v) == (len(set(queries)), len(set(values)), len(set(queries) & set(values)))


@given(texty, texty)
def test_pickled_comparison_is_the_same_comparison(a, b):
    import pickle

    comparison = compare(a, b)
    copy = pickle.loads(pickle.dumps(comparison))
    assert copy.to_dict() == comparison.to_dict()  # edits built on first read, details included
    assert copy == comparison and copy.apply(a) == b


@given(texty, texty)
def test_opcodes_tile_both_texts_and_the_inverse_reads_back(a, b):
    comparison = compare(a, b)
    edits = {edit.a_span + edit.b_span: edit for edit in comparison.edits}
    rebuilt = []
    a_pos = b_pos = 0
    for tag, i1, i2, j1, j2 in comparison.as_opcodes():
        assert (i1, j1) == (a_pos, b_pos)  # no gap, no overlap
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2] and i2 > i1
        else:
            edit = edits.pop((i1, i2, j1, j2))
            assert tag == ("replace" if edit.a_text and edit.b_text else "delete" if edit.a_text else "insert")
        rebuilt.append(b[j1:j2])
        a_pos, b_pos = i2, j2
    assert (a_pos, b_pos) == (len(a), len(b)) and "".join(rebuilt) == b and not edits
    inverse = comparison.inverse()
    assert inverse.apply(b) == a
    assert inverse.inverse() == comparison
    assert {e.kind for e in inverse.edits} <= {e.kind for e in comparison.edits} | {"insertion", "deletion"}


def _indel_distance(a: str, b: str) -> int:
    """Insertions plus deletions that turn a into b: the textbook dynamic programme, slow and obviously right."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = previous[j - 1] if x == y else 1 + min(previous[j], current[j - 1])
        previous = current
    return previous[-1]


_HANZI = "党组织主心骨风急浪骤越是需中流砥柱关键时刻生死头就株洲万余个基层"
prose = st.integers(10, len(_HANZI)).flatmap(lambda size: st.text(alphabet=_HANZI[:size], max_size=50))


@given(prose, st.data())
def test_one_inserted_or_deleted_run_is_one_minimal_edit(a, data):
    """Against the reference: a run inserted into (or deleted from) text costs exactly what the textbook diff says.

    Only where minimality is the right answer: with several edits, diff-match-patch's semantic cleanup
    may fold a one-character equality into a replacement (骨万砥 → 万骤是 reads as one substitution),
    and over a two- or three-letter alphabet it merges more than the textbook minimum — by design.
    """
    start = data.draw(st.integers(0, len(a)))
    run = data.draw(st.text(alphabet=_HANZI, min_size=1, max_size=6))
    b = data.draw(st.sampled_from([a[:start] + run + a[start:], a[:start] + a[start + len(run) :]]))
    comparison = compare(a, b)
    assert sum(len(e.a_text) + len(e.b_text) for e in comparison.edits) == _indel_distance(a, b)


@given(prose, prose)
def test_no_edit_could_be_trimmed(a, b):
    """Edits are minimal at their edges: never a no-op, never a first or last character both sides share."""
    for edit in compare(a, b).edits:
        assert edit.a_text != edit.b_text
        if edit.a_text and edit.b_text:
            assert edit.a_text[0] != edit.b_text[0] and edit.a_text[-1] != edit.b_text[-1], edit


@given(st.one_of(texty, any_text), st.one_of(texty, any_text))
def test_same_words_is_equality_without_punctuation(a, b):
    from textversions.normalize import same_words, without_punctuation

    assert same_words(a, b) == (without_punctuation(a) == without_punctuation(b))
    assert same_words(a, a + " ，。")


@given(st.text(alphabet="0123456789一二十万年月日abc .,:-/%的了", min_size=1, max_size=90), st.data())
def test_token_reach_is_that_of_the_tokens_found_whole_around_a_character(text, data):
    """An edit touching a number or word grows to the whole of it: every token found whole (not cut by the
    window of 32 characters either side) that holds the character, the farthest it reaches each way."""
    from textversions.align import _LATIN_WORD, _token_reach
    from textversions.numbers import NUMBER

    pos = data.draw(st.integers(0, len(text) - 1))
    start, stop = max(0, pos - 32), min(len(text), pos + 33)
    window = text[start:stop]
    whole = [
        (m.start() + start, m.end() + start)
        for pattern in (NUMBER, _LATIN_WORD)
        for m in pattern.finditer(window)
        if (m.start() > 0 or start == 0) and (m.end() < len(window) or stop == len(text))
    ]
    holding = [(lo, hi) for lo, hi in whole if lo <= pos < hi]
    expected = (max((pos - lo for lo, _ in holding), default=0), max((hi - pos - 1 for _, hi in holding), default=0))
    assert _token_reach(text, pos) == expected


_DIFF = st.tuples(st.sampled_from([-1, 0, 1]), st.text(alphabet="ab的是 .\n", min_size=0, max_size=6))


def _library_cleanup(diffs):  # type: ignore[no-untyped-def]
    """diff-match-patch's diff_cleanupSemantic in place, its overlap pass ignoring an overlap of one character."""
    from diff_match_patch import diff_match_patch

    class Library(diff_match_patch):  # type: ignore[misc]
        def diff_commonOverlap(self, text1, text2):  # type: ignore[no-untyped-def]
            overlap = super().diff_commonOverlap(text1, text2)
            return overlap if overlap >= 2 else 0

    Library().diff_cleanupSemantic(diffs)


@given(st.lists(_DIFF, max_size=80))
def test_semantic_cleanup_is_diff_match_patch_own(diffs):
    """The compiled first pass leaves exactly what diff-match-patch's diff_cleanupSemantic leaves, given that an
    overlap of one character is not pulled out of a deletion and an insertion."""
    from textversions.align import semantic_cleanup

    expected = list(diffs)
    _library_cleanup(expected)
    assert semantic_cleanup(list(diffs)) == expected


def test_one_shared_character_stays_inside_a_reworded_word():
    from diff_match_patch import diff_match_patch

    from textversions.align import semantic_cleanup

    diffs = [(0, "-"), (-1, "获"), (0, "取"), (1, "得"), (0, " cargo")]
    library = list(diffs)
    diff_match_patch().diff_cleanupSemantic(library)
    assert library == diffs  # the library pulls 取 out again
    assert semantic_cleanup(list(diffs)) == [(0, "-"), (-1, "获取"), (1, "取得"), (0, " cargo")]
    pulled = [(0, "x"), (-1, "abcxxx"), (1, "xxxdef"), (0, "y")]
    assert semantic_cleanup(list(pulled)) == [(0, "x"), (-1, "abc"), (0, "xxx"), (1, "def"), (0, "y")]


@given(
    st.lists(st.integers(0, 60), max_size=20).map(lambda cuts: sorted(set(cuts))),
    st.integers(0, 60),
    st.integers(0, 8),
)
def test_the_word_an_edit_touches_is_found_by_bisection_as_by_a_scan(cuts, lo, length):
    from textversions.subjects import _touched

    words = [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, 2)]  # disjoint, in order
    hi = lo + length
    scan = [(s, e) for s, e in words if s <= hi and lo <= e and (s < hi or lo < e or lo == hi)]
    assert _touched(words, lo, hi) == (scan[0] if len(scan) == 1 else None)


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 400), st.integers(0, 400)), max_size=50), st.integers(1, 32))
def test_a_batch_of_pairs_is_checked_as_each_pair_is(pairs, bands):
    """``enough_shared`` (the archive's batch check) answers what ``needed_buckets`` answers pair by pair."""
    from textversions.candidates import enough_shared, needed_buckets

    shared, keys_a, keys_b = (np.array(column, dtype=np.int64) for column in zip(*pairs)) if pairs else [np.zeros(0, np.int64)] * 3
    expected = [count >= needed_buckets(a, b, bands) for count, a, b in pairs]
    assert enough_shared(shared, keys_a, keys_b, bands).tolist() == expected
