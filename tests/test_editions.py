"""Editions of one text: punctuated differently, with characters an encoding lost, and pages of one template.

Real text: the Chinese Union Version in its traditional and simplified electronic editions
(tkacikr/bible-tools @ 90a9bf78, ``bibles/zh/cuv`` and ``bibles/zh/cuvs``: the simplified one
spaces every character, punctuates anew and numbers verse 1 with the chapter), and tldr pages
(tldr-pages/tldr @ 08e345f4, ``pages.zh`` and ``pages.zh_TW``, CC BY 4.0).
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from textversions import compare, find_versions  # noqa: E402
from textversions.normalize import PUNCTUATION, letter_classes  # noqa: E402
from textversions.report import comparison_markdown  # noqa: E402
from textversions.shingle import sketch_hashes  # noqa: E402

PSALM_117 = (
    "1 萬國阿、你們都當讚美耶和華．萬民哪、你們都當頌讚他。\n2 因為他向我們大施慈愛．耶和華的誠實、存到永遠。你們要讚美耶和華。",
    "117 万 国 啊 ， 你 们 都 当 赞 美 耶 和 华 ！ 万 民 哪 ， 你 们 都 当 颂 赞 他 ！\n"
    "2 因 为 他 向 我 们 大 施 慈 爱 ； 耶 和 华 的 诚 实 存 到 永 远 。 你 们 要 赞 美 耶 和 华 ！",
)
PSALM_134 = (
    "1 〔上行之詩。〕耶和華的僕人、夜間站在耶和華殿中的、你們當稱頌耶和華。\n2 你們當向聖所舉手、稱頌耶和華。\n"
    "3 願造天地的耶和華、從錫安賜福給你們。",
    "134 （ 上 行 之 诗 。 ） 耶 和 华 的 仆 人 夜 间 站 在 耶 和 华 殿 中 的 ， 你 们 当 称 颂 耶 和 华 ！\n"
    "2 你 们 当 向 圣 所 举 手 ， 称 颂 耶 和 华 ！\n3 愿 造 天 地 的 耶 和 华 ， 从 锡 安 赐 福 给 你 们 ！",
)
ESTHER_9_19 = (
    "19 所以住無城牆鄉村的猶大 人、如今都以亞達月十四日為設筵歡樂的吉日、彼此餽送禮物。",
    "19 所 以 住 无 城 墙 乡 村 的 犹 大 人 ， 如 今 都 以 亚 达 月 十 四 日 为 设 筵 欢 乐 的 吉 日 ， 彼 此 ? 送 礼 物 。",
)
UNXZ = "# unxz\n\n> 此命令为 `xz --decompress` 的别名。\n\n- 查看原命令的文档：\n\n`tldr xz`\n"
XZCAT = "# xzcat\n\n> 此命令为 `xz --decompress --stdout` 的别名。\n\n- 查看原命令的文档：\n\n`tldr xz`\n"
CHFN = "# chfn\n\n> 此命令为 `chpass` 的别名。\n\n- 查看原命令的文档：\n\n`tldr chpass`\n"
CARGO_REMOVE = (
    "# cargo remove\n\n> 从 Rust 项目的 `Cargo.toml` 清单中移除依赖项。\n"
    "> 更多信息：<https://doc.rust-lang.org/cargo/commands/cargo-remove.html>。\n\n"
    "- 从当前项目中移除一个依赖项：\n\n`cargo remove {{依赖项}}`\n\n- 移除开发或构建依赖项：\n\n"
    "`cargo remove --{{dev|build}} {{依赖项}}`\n\n- 移除给定目标平台的依赖项：\n\n`cargo remove --target {{目标}} {{依赖项}}`\n",
    "# cargo remove\n\n> 從 Rust 專案的 `Cargo.toml` 清單中移除相依項。\n"
    "> 更多資訊：<https://doc.rust-lang.org/cargo/commands/cargo-remove.html>。\n\n"
    "- 從目前專案中移除一個相依項：\n\n`cargo remove {{相依項}}`\n\n- 移除開發或組建相依項：\n\n"
    "`cargo remove --{{dev|build}} {{相依項}}`\n\n- 移除給定目標平台的相依項：\n\n`cargo remove --target {{目标}} {{相依項}}`\n",
)
CHFN_TW = "# chfn\n\n> 此命令為 `chpass` 的別名。\n\n- 檢視原命令的文件：\n\n`tldr chpass`\n"


def test_short_chapters_punctuated_anew_are_found_as_versions():
    # Every fifth character of these psalms is a mark the other edition changed (、/，, ．/！): sketched as
    # they are, the two editions share too few shingles to meet in a bucket.
    docs = {"t117": PSALM_117[0], "s117": PSALM_117[1], "t134": PSALM_134[0], "s134": PSALM_134[1]}
    found = {(r.a, r.b): r.kind for r in find_versions(docs).relations}
    assert found == {("t117", "s117"): "version", ("t134", "s134"): "version"}
    kept = {(r.a, r.b) for r in find_versions(docs, fold_punctuation=False).relations}
    assert ("t117", "s117") not in kept


_MARKS = [chr(code) for code in range(0x3100) if letter_classes()[code] == PUNCTUATION]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="天地人和华耶们你当赞美", min_size=1, max_size=40), st.data())
def test_punctuation_marks_read_alike_in_a_sketch(words, data):
    marks = data.draw(st.lists(st.sampled_from(_MARKS), min_size=len(words), max_size=len(words)))
    others = data.draw(st.lists(st.sampled_from(_MARKS), min_size=len(words), max_size=len(words)))
    one = "".join(w + m for w, m in zip(words, marks))
    two = "".join(w + m for w, m in zip(words, others))
    assert sketch_hashes(one).tolist() == sketch_hashes(two).tolist()
    if marks != others and len(one) >= 5:
        assert sketch_hashes(one, fold_punctuation=False).tolist() != sketch_hashes(two, fold_punctuation=False).tolist()


def test_a_character_lost_to_an_encoding_is_flagged_not_edited():
    comparison = compare(*ESTHER_9_19)
    lost = [edit for edit in comparison.edits if edit.b_text.strip() == "?"]
    assert [(edit.kind, edit.a_text, edit.detail.get("encoding_loss")) for edit in lost] == [("substitution", "餽", True)]
    assert lost[0] not in comparison.editorial_edits and lost[0].slip
    slips = comparison_markdown(comparison).split("## Likely OCR slips and characters lost to an encoding")
    assert len(slips) == 2 and "餽" in slips[1]


def test_pages_of_one_template_about_two_commands_are_two_stories_one_page_in_two_scripts_is_one():
    assert compare(UNXZ, XZCAT).relation != "version"
    assert compare(UNXZ, XZCAT).scores.names_apart is True
    assert compare(CHFN, CHFN_TW).relation in ("duplicate", "version")
    # The same body under another heading is the page retitled, not another story.
    assert compare(CHFN, CHFN.replace("# chfn", "# chsh")).relation == "version"


def test_a_word_two_editions_write_differently_throughout_is_their_wording_a_name_never():
    comparison = compare(*CARGO_REMOVE)
    wording = [edit for edit in comparison.edits if edit.detail.get("throughout")]
    assert [(edit.kind, edit.cosmetic, edit.a_text, edit.b_text) for edit in wording] == [("script", True, "依赖", "相依")] * 6
    assert {(edit.a_text, edit.b_text) for edit in comparison.substantive_edits} == {("当前项目", "目前專案"), ("构建依赖", "組建相依")}
    assert comparison.apply(CARGO_REMOVE[0]) == CARGO_REMOVE[1]
    # A name corrected throughout between a simplified and a traditional text stays a substitution at every place.
    named = compare("科长谭巧珍在湖南工作。谭巧珍说，她很高兴。记者采访了谭巧珍。", "科長覃巧珍在湖南工作。覃巧珍說，她很高興。記者採訪了覃巧珍。")
    assert [edit.kind for edit in named.edits if "覃" in edit.b_text] == ["substitution"] * 3
