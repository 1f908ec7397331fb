"""Stage 8 — story families: documents joined by duplicate, version or contains.

``reuse`` does not join families: two stories that quote one paragraph are
still two stories. Every document is in exactly one family; a document related
to nothing is a family of one.

>>> story_families(["a", "b", "c", "d"], [("a", "b"), ("c", "b")])
[['a', 'b', 'c'], ['d']]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["story_families", "JOINING"]

JOINING = frozenset({"duplicate", "version", "contains"})
"""Relation kinds that put two documents in one family."""


def story_families(ids: Sequence[str], links: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components of ``links`` over ``ids``, members and families in input order."""
    position = {doc_id: index for index, doc_id in enumerate(ids)}
    parent = list(range(len(ids)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(position[a]), root(position[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[str]] = {}
    for index, doc_id in enumerate(ids):
        groups.setdefault(root(index), []).append(doc_id)
    return [groups[key] for key in sorted(groups)]
