"""Find versions among the rows of a pandas DataFrame; get relations, edits and families back as DataFrames.

    pip install 'textversions[pandas]'
    python examples/dataframe.py
"""

import pandas as pd

from textversions import find_versions
from textversions.io import seed_corpus

articles = pd.DataFrame(seed_corpus(), columns=["url", "body"])
result = find_versions(articles, id_field="url", text_field="body")
tables = result.to_pandas()  # relations, edits, documents

relations = tables["relations"]
print(relations[["a", "b", "kind", "jaccard", "substantive_edits", "passages"]].to_string(index=False))
edits = tables["edits"]
# A reuse pair is two stories: what they share is its passages, not its edits.
of_versions = edits["relation"].map(relations["kind"]) != "reuse"
substantive = edits[~edits["cosmetic"] & of_versions]
print(substantive.groupby("kind").size().sort_values(ascending=False).to_string())
articles = articles.merge(tables["documents"], left_on="url", right_on="id")
print(articles[["url", "length", "family"]].to_string(index=False))
