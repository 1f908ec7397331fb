"""Piles that fool naive dedup: thousands of documents sharing a template, one story reprinted everywhere."""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import BigramSampler  # noqa: E402
from textversions import compare, explain, find_versions  # noqa: E402
from textversions.normalize import normalize  # noqa: E402
from textversions.subjects import names_apart, stated_dates, subject_change  # noqa: E402

REUTERS = Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "english.jsonl.gz"


def test_template_sharing_documents_are_not_versions():
    sampler = BigramSampler()
    rng = np.random.default_rng(7)
    head = "【本报讯】" + sampler.sample(1, 250, rng)[0]
    tail = sampler.sample(1, 150, rng)[0] + "（责任编辑：张三 来源：新华社）"
    bodies = sampler.sample(400, 400, rng)
    docs = {f"t{n}": f"{head}\n\n{body}\n\n{tail}" for n, body in enumerate(bodies)}
    story = sampler.sample(1, 1500, rng)[0]
    docs.update({f"reprint{n}": story if n % 2 else story.replace("，", ",") for n in range(30)})
    docs["t0-revised"] = f"{head}\n\n{bodies[0][:200]}新增的一句话。{bodies[0][200:]}\n\n{tail}"
    result = find_versions(docs, workers=2)
    kinds = Counter(relation.kind for relation in result.relations)
    assert kinds["version"] == 1 and kinds["reuse"] == 0, kinds
    assert result.family_of("t0") == ("t0", "t0-revised")
    assert result.family_of("reprint0") == tuple(f"reprint{n}" for n in range(30))
    singletons = [family for family in result.families if len(family) == 1]
    assert len(singletons) == 399
    # Two template documents on their own (no corpus to say what is common) share half their text.
    assert compare(docs["t1"], docs["t2"]).relation in ("version", "reuse")


TELEGRAM = (
    "习近平致电{name}，祝贺他当选{country}总统。习近平指出，中{short}关系发展良好。我高度重视中{short}关系，"
    "愿同{name}总统一道努力，推动两国关系取得新发展，造福两国和两国人民。"
)


def test_names_swapped_throughout_make_two_telegrams_but_a_name_corrected_throughout_stays_one_story():
    austria = TELEGRAM.format(name="范德贝伦", country="奥地利", short="奥")
    iraq = TELEGRAM.format(name="拉希德", country="伊拉克", short="伊")
    assert compare(austria, iraq).relation in ("reuse", "unrelated")
    corrected = austria.replace("范德贝伦", "范德贝仑")  # one character of the name, everywhere
    assert compare(austria, corrected).relation == "version"


def test_a_slip_in_a_noisy_copys_heading_names_no_other_command():
    """tldr-pages (CC BY 4.0) `diff`: an OCR'd copy whose heading reads `# diiff` is the page still; `lzgrep` and
    `lzfgrep`, one letter apart, are two commands (a golden row)."""
    with gzip.open(Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "devset.jsonl.gz", "rt", encoding="utf-8") as lines:
        page = next(row["text"] for row in map(json.loads, lines) if row["id"] == "tldr-zh/common/diff.md")
    assert page.startswith("# diff\n")
    noisy = page.replace("# diff", "# diiff", 1).replace("--ignore-all-space", "--ignore-all-spce", 1)
    assert compare(page, noisy).relation == "version"
    retitled = page.replace("# diff", "# dif", 1).replace("--ignore-all-space", "--ignroe-all-space", 1)
    assert compare(page, retitled).relation == "version"  # 'diff' is spelled right below the slip


def test_what_one_text_adds_is_no_measure_of_slips():
    """What only one text has (a paragraph the afternoon's notice adds) neither counts as changed subjects nor makes
    the changed figures of the rest look like noise (the Bank of England's morning report against the afternoon's,
    a golden row); a text that adds the same paragraph and keeps the figures stays one story."""
    from textversions import compare
    from textversions.subjects import subject_change

    notice = (
        "The Bank said it had provided the market with {0} mln stg in the {1} session, {2} mln stg in band one, "
        "{3} mln in band two and {4} mln in band three, at {5} pct."
    )
    added = (
        " Dealers said the Bank has recently used the offer of borrowing facilities to signal that it does not "
        "want to see an early reduction in base lending rates, lending to the discount houses at higher rates."
    )
    morning = notice.format(37, "morning", 12, 23, 71, "10-7/8")
    afternoon = notice.format(456, "afternoon", 89, 654, 98, "10-7/8") + added
    alone = ((), [(len(afternoon) - len(added), len(afternoon))])
    # The rate kept, the other figures changed: the added paragraph is no change of subjects, and even read as change
    # it forgives no more slips than noise would (a text that differs more was rewritten: subjects._NOISE_CEILING).
    assert subject_change(morning, afternoon, unpaired=alone).share == 0.8 == subject_change(morning, afternoon).share
    assert compare(morning, afternoon).relation in ("reuse", "unrelated")
    # Every figure changed: the next notice, however much the texts' rate of change would forgive.
    changed = afternoon.replace("10-7/8", "10-3/4")
    assert subject_change(morning, changed).share == 1.0
    assert compare(morning, morning + added).relation in ("version", "contained_by")
    # Noise on both sides alike is still forgiven: one slipped figure among slipped words.
    slipped = morning.replace("provided", "provlded").replace("session", "sessiom")
    assert subject_change(morning, slipped.replace("37", "87")).share == 0.0


def test_notices_that_name_their_subject_only_in_the_headline_are_told_apart_by_it():
    """Reuters-21578 notices read and labelled by hand. Two companies' payouts name their companies only in their
    headlines (``Pay April One`` on the next line is a date, not a name); INT'L and INTERNATIONAL HYDRON are one
    company; a dateline's ``Calif.`` mentions no California fund."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        docs = {row["id"]: normalize(row["text"]) for row in map(json.loads, lines)}
    assert names_apart(docs["reuters-517"], docs["reuters-521"])  # FIRST MISSISSIPPI / JIM WALTER
    assert not names_apart(docs["reuters-603"], docs["reuters-731"])  # INTERNATIONAL / INT'L HYDRON
    assert names_apart(docs["reuters-691"], docs["reuters-695"])  # Franklin Minnesota / California Insured


def test_two_companies_filing_one_kind_of_notice_are_two_stories_by_the_names_their_leads_open_with():
    """Reuters-21578, held-out file: Witco and Evans and Sutherland each file for convertible debentures on one
    template; each lead opens with a name the other text never writes. A corrected story whose lead gained words
    (U.S. Carmaker General Motors / General Motors) stays one."""
    held = REUTERS.with_name("english-heldout.jsonl.gz")
    with gzip.open(held, "rt", encoding="utf-8") as lines:
        docs = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-2277", "reuters-2413")}
    assert compare(docs["reuters-2277"], docs["reuters-2413"]).relation == "reuse"
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        gm = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-1081", "reuters-1202")}
    assert compare(gm["reuters-1081"], gm["reuters-1202"]).relation == "version"


def test_a_daily_notice_whose_every_subject_changed_is_the_next_days_notice():
    """Reuters-21578, held-out file: the Fed's customer repurchases on March 9 and on March 11, one template, the
    date and every figure changed (three changed subjects, under the four a template needs). A documentation page
    whose figures gained a ``%`` (``{{50}}%`` / ``{{50%}}``) keeps them: it stays a version."""
    held = REUTERS.with_name("english-heldout.jsonl.gz")
    with gzip.open(held, "rt", encoding="utf-8") as lines:
        fed = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-3164", "reuters-3735")}
    assert compare(fed["reuters-3164"], fed["reuters-3735"]).relation == "reuse"
    pages = REUTERS.with_name("pages.jsonl.gz")
    wanted = ("pages/linux/brightnessctl.md@6efbec7", "pages/linux/brightnessctl.md@d0a73c4")
    with gzip.open(pages, "rt", encoding="utf-8") as lines:
        page = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in wanted}
    assert compare(page[wanted[0]], page[wanted[1]]).relation == "version"


NOTICE = (
    "本台明天将直播全国政协十四届二次会议开幕会\n\n央视网消息（新闻联播）：全国政协十四届二次会议将于3月4日下午3时在北京开幕，"
    "全国政协主席将作常委会工作报告。届时，中央电视台综合频道、新闻频道、中文国际频道将进行现场直播。"
)


def test_notices_that_report_different_days_are_two_stories():
    closing = NOTICE.replace("开幕会", "闭幕会").replace("3月4日下午3时在北京开幕", "3月10日上午9时在北京人民大会堂举行闭幕会")
    comparison = compare(NOTICE, closing)
    assert comparison.relation in ("reuse", "unrelated") and comparison.scores.dates_apart
    reasons = " ".join(explain(NOTICE, closing).reasons)
    assert "report different days" in reasons and "3月4日" in reasons and "3月10日" in reasons
    # The day written alone is that day of any month (3月10日 / 10日); a digit off may be a slip (3月10日 / 3月1日).
    assert not compare(closing, closing.replace("3月10日", "10日").replace("人民大会堂", "")).scores.dates_apart
    assert not compare(closing, closing.replace("3月10日", "3月1日").replace("人民大会堂", "")).scores.dates_apart


def test_a_corrected_date_or_a_story_resent_the_next_day_stays_one_story():
    corrected = NOTICE.replace("3月4日", "3月12日")  # nothing else changed: a correction
    comparison = compare(NOTICE, corrected)
    assert comparison.relation == "version" and not comparison.scores.dates_apart
    # A caption added and a tail cut besides: what versions do, not another notice.
    captioned = corrected.replace("届时，", "\n\n▲人民大会堂外景。（记者 王五 摄）\n\n届时，").removesuffix("中文国际频道将进行现场直播。")
    comparison = compare(NOTICE, captioned)
    assert comparison.relation == "version" and not comparison.scores.dates_apart, comparison.summary()
    story = (
        "OPEC OUTPUT TALKS SET\nLONDON, March 1 - Oil ministers will meet in Vienna on March 9 to discuss output "
        "quotas, officials of three member states said today.\n    The talks follow a fall in prices.\n Reuter"
    )
    resent = story.replace("March 1 -", "March 2 -").replace("said today", "said on Sunday")
    comparison = compare(story, resent)
    assert comparison.relation == "version" and not comparison.scores.dates_apart  # a dateline's date is furniture
    stated = [date for date, _ in stated_dates(normalize(resent))]
    assert stated == [(3, 9)]



def test_a_daily_report_sent_the_next_day_with_other_figures_is_the_next_days_report():
    """Reuters-21578 (free for research use): the Fed's expected reserves on March 3 and on March 4 (one template, the
    funds rate 6.18 / 6.22 pct, three figures changed to one kept) are two days' reports; CCR Video's quarter re-sent
    the next day with last year's loss corrected (four figures kept, two or three changed) stays one story, as does a
    story re-sent the next day with its figures (above)."""
    wanted = ("reuters-1078", "reuters-1503", "reuters-699", "reuters-1264")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        texts = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in wanted}
    fed = compare(texts["reuters-1078"], texts["reuters-1503"])
    assert fed.relation in ("reuse", "unrelated") and fed.scores.dates_apart, fed.summary()
    reasons = " ".join(explain(texts["reuters-1078"], texts["reuters-1503"]).reasons)
    assert "sent on different days" in reasons and "march 3" in reasons and "6.18 pct" in reasons and "6.22 pct" in reasons
    corrected = compare(texts["reuters-699"], texts["reuters-1264"])
    assert corrected.relation == "version" and not corrected.scores.dates_apart, corrected.summary()
    # In Chinese wire copy alike: the next day's figures under the next day's dateline; one figure corrected is not.
    today = "国内油价日报\n新华社北京3月3日电 今日92号汽油均价7.85元，较前日上涨0.12元，柴油均价7.42元，成交量3.6万吨。"
    tomorrow = today.replace("3月3日", "3月4日").replace("7.85", "7.91").replace("0.12", "0.06").replace("7.42", "7.47").replace("3.6万", "4.1万")
    assert compare(today, tomorrow).scores.dates_apart
    fixed = today.replace("3月3日", "3月4日").replace("3.6万", "3.9万")
    assert compare(today, fixed).relation == "version" and not compare(today, fixed).scores.dates_apart


def test_a_table_set_again_under_its_headline_is_a_version_and_a_daily_notice_is_not():
    """Reuters-21578: OMNICOM GROUP INC <OMCM> 4TH QTR NET sent twice, the second table with other rows (dividend,
    average shares) and a shorter note — twelve of its figures kept, aligned in short pieces (coverage 0.33 / 0.50):
    one story. 新闻联播 of December 2022 (held out): 国家卫生健康委通报最新疫情 of two days, one headline, half of
    their figures the same — two notices."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        texts = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-1138", "reuters-1181")}
    table = compare(texts["reuters-1138"], texts["reuters-1181"])
    assert table.relation == "version" and table.apply(texts["reuters-1138"]) == texts["reuters-1181"], table.summary()
    assert "set again" in " ".join(explain(texts["reuters-1138"], texts["reuters-1181"]).reasons)
    wanted = ("xwlb-y/20221212/09", "xwlb-y/20221218/08")
    with gzip.open(REUTERS.with_name("xwlb-2022-12.jsonl.gz"), "rt", encoding="utf-8") as lines:
        notices = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in wanted}
    assert compare(*(notices[i] for i in wanted)).relation in ("reuse", "unrelated")
    # Under another heading the table re-sent is what the coverage says.
    retitled = texts["reuters-1181"].replace("4TH QTR NET", "YEAR NET", 1)
    assert compare(texts["reuters-1138"], retitled).relation in ("reuse", "unrelated")


def test_two_reports_of_one_morning_whose_figures_all_changed_are_two_reports():
    """Reuters-21578: the Fed expected to add reserves (funds at 6.02 pct, opened at 6-1/8) and, later that morning,
    the Fed adding them (1.5 billion dlrs, funds at 6-3/16): one dateline's day, no figure of either in the other —
    two reports, however much background they share. A version that keeps one figure stays one."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        texts = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-475", "reuters-522")}
    expected, added = texts["reuters-475"], texts["reuters-522"]
    assert compare(expected, added).relation in ("reuse", "unrelated")
    assert subject_change(normalize(expected).text, normalize(added).text).share >= 0.25
    kept = added.replace("6-3/16 pct", "6-1/8 pct")  # one figure of the first report kept: the rule does not apply
    assert compare(expected, kept).relation == "version"

def test_calendars_of_other_months_report_other_days():
    """Two duty calendars on one template, every date of one in months the other never names (nor a slip of them: 1
    and 11 would be one): other days, however alike the lines (many dates are compared by their distinct values, a
    few places each)."""
    first = "".join(f"{month}月{day}日：值班记录正常，设备运行平稳。\n" for month in range(1, 5) for day in range(1, 29))
    second = "".join(f"{month + 4}月{day}日：值班记录正常，设备运行良好。\n" for month in range(1, 5) for day in range(1, 29))
    comparison = compare(first, second)
    assert comparison.apply(first) == second
    assert comparison.scores.dates_apart and comparison.relation in ("reuse", "unrelated")
    assert not compare(first, first.replace("平稳", "良好")).scores.dates_apart
