"""Compare two versions of a sentence and print what changed.

    python examples/compare_strings.py
"""

from textversions import compare

web = "在抗击疫情的斗争中,株洲各行业各领域1.1万余个基层党组织奋勇争先。茶陵县高陇镇星锋村党总支书记谭祖华……"
print_ = "在抗击疫情的斗争中，株洲各行业各领域11万余个基层党组织奋勇争先。茶陵县高陇镇星峰村党总支书记谭祖华……"

comparison = compare(web, print_)
print(comparison.relation, comparison.summary())
for edit in comparison.substantive_edits:
    print(f"{edit.kind:>12}  {edit.a_text} → {edit.b_text}  {edit.detail}")
assert comparison.apply(web) == print_
