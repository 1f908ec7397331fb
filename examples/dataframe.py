"""Find versions among the rows of a pandas DataFrame; get relations and families back as DataFrames.

    python examples/dataframe.py
"""

import pandas as pd

from textversions import find_versions
from textversions.io import seed_corpus

articles = pd.DataFrame(seed_corpus(), columns=["id", "text"])
result = find_versions(zip(articles["id"], articles["text"]))

relations = pd.DataFrame(
    [
        {
            "a": r.a,
            "b": r.b,
            "kind": r.kind,
            "jaccard": r.scores.jaccard,
            # A reuse pair is two stories: what they share is its passages, not its edits.
            "substantive_edits": len(r.comparison.substantive_edits) if r.kind != "reuse" else None,
            "shared_passages": len(r.comparison.passages),
        }
        for r in result.relations
    ]
)
families = pd.DataFrame(
    [{"id": doc_id, "family": n} for n, family in enumerate(result.families) for doc_id in family]
)
articles = articles.merge(families, on="id")
print(relations.to_string(index=False))
print(articles[["id", "family"]].to_string(index=False))
