"""Print the torture table for README.md: case → expected → observed.

    python -m tests.torture.table
"""

from __future__ import annotations

import time

from textversions import TextVersionsError, compare, find_versions

from .cases import cases


def observe() -> list[tuple[str, str, str]]:
    rows = []
    for case in cases():
        ids = list(case.docs)
        expected = "clear error naming the document" if case.expect == "error" else (
            f"{case.relation or 'a result'}; every id accounted for; lossless edits" + (f" ({case.note})" if case.note else "")
        )
        started = time.perf_counter()
        try:
            comparison = compare(case.docs[ids[0]], case.docs[ids[1]])
            result = find_versions(case.docs)
            lossless = comparison.apply(case.docs[ids[0]]) == case.docs[ids[1]]
            covered = sorted(d for f in result.families for d in f) == sorted(ids)
            observed = (
                f"{comparison.relation}; {len(ids)} ids in {len(result.families)} families"
                f"{' (all accounted)' if covered else ' (MISSING IDS)'}; lossless {lossless}"
            )
        except TextVersionsError as error:
            observed = f"{type(error).__name__}: {error}"
        observed += f"; {time.perf_counter() - started:.2f} s"
        rows.append((case.name, expected, observed))
    return rows


def main() -> None:
    print("| case | expected | observed |")
    print("|---|---|---|")
    for name, expected, observed in observe():
        print(f"| {name} | {expected} | {observed.replace('|', '/')} |")


if __name__ == "__main__":
    main()
