"""Block segmentation: every non-blank line exactly once, the seeds against gold-dev, and cues that hold on news
pages never seen while writing them (made-up pages below, labelled by hand from shared/CODEBOOK.md)."""
from __future__ import annotations

import json
import re
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.blocks import KINDS, CueGroup, classify_lines, iter_lines, segment
from workbench.config import BLOCKS_YAML
from workbench.evaluate import evaluate_dir
from workbench.prefilter import Prefilter, anchored_at_start, prefilter

# Each page: (line text, hand kind) for its non-blank lines; blank lines separate paragraphs as on the web.
PAGE_WIRE_WITH_COMMENTS = [
    ("Floods force thousands from homes in river valley", "headline"),
    ("By Maria Lopez and Tom Reed", "attribution"),
    ("Share on Facebook", "boilerplate"),
    ("Tweet", "boilerplate"),
    ("Rescue teams evacuated more than 3,000 residents on Tuesday as the river burst its banks, local officials "
     "said.", "body"),
    ("Water levels rose by two metres overnight, flooding farmland and cutting the main road to the capital.", "body"),
    ("Rising waters", "subheading"),
    ('"We lost everything in one night," said a farmer who fled with his family.', "body"),
    ("A man wades through floodwater in the town centre on Tuesday. Photo: Reuters", "caption"),
    ("Reporting by Maria Lopez; Editing by Tom Reed", "attribution"),
    ("Advertisement", "boilerplate"),
    ("12 Comments", "boilerplate"),
    ("Anna K.", "comment"),
    ("March 3, 2021 at 9:14 am", "comment"),
    ("Terrible news, thoughts with everyone there.", "comment"),
    ("Dave", "comment"),
    ("This happens every year and nobody does anything.", "comment"),
]
PAGE_TALKS = [
    ("Talks resume as ceasefire holds", "headline"),
    ("Negotiators met in Geneva on Monday for a second round of talks, with both sides saying the truce was largely "
     "holding.", "body"),
    ('The envoy said he was "cautiously optimistic" about a deal before the end of the month.', "body"),
    ("What comes next", "subheading"),
    ("Diplomats expect the next round to focus on prisoner exchanges and aid corridors.", "body"),
    ("Source: Reuters", "attribution"),
    ("Related Articles", "boilerplate"),
    ("Subscribe to our daily newsletter", "boilerplate"),
    ("© 2021 Example News. All rights reserved.", "boilerplate"),
]
PAGE_HEATWAVE = [
    ("Skip to content", "boilerplate"),
    ("Heatwave grips southern cities as temperatures hit record", "headline"),
    ("By Jane Doe, Staff Writer", "attribution"),
    ("BEIRUT (AP) — Temperatures climbed above 45 degrees on Sunday, the highest since records began, the weather "
     "service said.", "body"),
    ("Hospitals reported a rise in heatstroke cases, and authorities urged people to stay indoors.", "body"),
    ("Children cool off in a public fountain on Sunday. (AP Photo/Hassan Ammar)", "caption"),
    ("Read more: Why heatwaves are getting longer", "boilerplate"),
    ("Power cuts", "subheading"),
    ("Electricity demand hit a new peak, forcing rolling blackouts in several districts.", "body"),
    ("Follow us on Twitter", "boilerplate"),
    ("Leave a Reply", "boilerplate"),
    ("Your email address will not be published. Required fields are marked *", "boilerplate"),
]
PAGES = {"wire_with_comments": PAGE_WIRE_WITH_COMMENTS, "talks": PAGE_TALKS, "heatwave": PAGE_HEATWAVE}


def page_text(page: list[tuple[str, str]]) -> str:
    return "\n\n".join(line for line, _ in page) + "\n"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_made_up_pages_get_their_hand_kinds(name):
    page = PAGES[name]
    text = page_text(page)
    got = [(text[b.start:b.end], b.kind) for b in segment(text, name)]
    assert got == page


def test_caption_with_glued_wire_photo_credit():
    line = "Delegates arrive for talks in Geneva, Switzerland, March 1. REUTERS/Denis Balibouse"
    kinds = classify_lines(["Talks resume", "The talks resumed on Monday, both sides said.", line,
                            "Diplomats expect the next round to focus on aid, officials said."])
    assert kinds[2] == "caption"


def test_seeds_match_gold_dev_line_for_line(seeds_rules, gold_dir):
    scores = evaluate_dir(seeds_rules, gold_dir, tables=("blocks",))["scores"].set_index("table")
    assert scores.loc["blocks", "recall"] == 1.0 and scores.loc["blocks", "precision"] == 1.0


def test_seeds_blocks_cover_every_non_blank_line_once(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        blocks = segment(text, path.stem)
        non_blank = [i + 1 for i, ln in enumerate(text.split("\n")) if ln.strip()]
        assert [b.line_no for b in blocks] == non_blank
        assert all(b.kind in KINDS for b in blocks)


def test_gold_lines_are_the_seed_lines(gold_dir, seeds_dir):
    texts = {p.stem: p.read_bytes().decode("utf-8") for p in seeds_dir.glob("*.txt")}
    with open(gold_dir / "blocks.jsonl", encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    by_article = {}
    for g in gold:
        by_article.setdefault(g["article_id"], []).append((g["start"], g["end"]))
    for aid, spans in by_article.items():
        assert [(b.start, b.end) for b in segment(texts[aid], aid)] == spans


def test_iter_lines_drops_cr_and_blank_lines():
    text = "A\r\n \t\r\nB\n\nC"
    assert [(ln.line_no, text[ln.start:ln.end]) for ln in iter_lines(text)] == [(1, "A"), (3, "B"), (5, "C")]


def test_headline_only_before_content():
    kinds = classify_lines(["Army retakes town", "The army retook the town on Monday, officials said.",
                            "Short unpunctuated line", "Another paragraph of reporting follows here, it said."])
    assert kinds[0] == "headline" and kinds[2] != "headline"


def test_comment_section_start_turns_later_lines_into_comments():
    kinds = classify_lines(["Headline here", "Body text of the article, officials said.", "View all comments",
                            "Great article, well written.", "Sam"])
    assert kinds[2:] == ["boilerplate", "comment", "comment"]


ARTICLE = ["Army retakes town", "The army retook the town on Monday after days of fighting, officials said.",
           "Residents began returning to their homes on Tuesday, a witness said."]


@pytest.mark.parametrize("heading", ["Comments", "Comments (3)", "Join the conversation", "Discussion"])
def test_bare_comment_headings_start_the_section(heading):
    kinds = classify_lines(ARTICLE + [heading, "Ahmad_77", "God protect our brave soldiers! They deserve it."])
    assert kinds[3:] == ["boilerplate", "comment", "comment"]


@pytest.mark.parametrize("stamp", ["2 hours ago", "a day ago", "14-12-20 00:30", "30/08/2019 at 9:15 pm"])
def test_comment_timestamp_without_heading_starts_the_section_at_the_name(stamp):
    kinds = classify_lines(ARTICLE + ["Ahmad_77", stamp, "God protect our brave soldiers! They deserve it.",
                                      "Reply · Like"])
    assert kinds[:3] == ["headline", "body", "body"]
    assert kinds[3:] == ["comment", "comment", "comment", "boilerplate"]


def test_name_and_stamp_on_one_line_start_the_section():
    kinds = classify_lines(ARTICLE + ["Ahmad_77 · 2 hours ago", "God protect our brave soldiers!"])
    assert kinds[3:] == ["comment", "comment"]


def test_comment_link_before_the_article_does_not_swallow_it():
    kinds = classify_lines(["Comments"] + ARTICLE)
    assert kinds[2:] == ["body", "body"]


def test_a_publication_date_after_the_body_is_not_a_comment_stamp():
    kinds = classify_lines(ARTICLE + ["30/08/2019", "Another paragraph of reporting follows here, it said."])
    assert "comment" not in kinds


def test_breadcrumb_menu_is_boilerplate_and_the_title_after_it_the_headline():
    kinds = classify_lines(["Home | World | Middle East", "Russia announces Idlib ceasefire after weeks of bombardment",
                            *ARTICLE[1:]])
    assert kinds[:3] == ["boilerplate", "headline", "body"]


def test_title_with_a_site_suffix_is_still_a_headline():
    kinds = classify_lines(["Russia announces a ceasefire in Idlib province | World news | The Daily", *ARTICLE[1:]])
    assert kinds[0] == "headline"


def test_question_between_paragraphs_is_a_subheading():
    kinds = classify_lines(ARTICLE + ["What happens next?", "Analysts said it was unclear whether the truce would hold."])
    assert kinds[3] == "subheading"


def test_broadcaster_image_caption_line_is_a_caption():
    kinds = classify_lines(ARTICLE + ["Image caption Displaced Syrians at a camp near the Turkish border",
                                      "The truce is due to start on Saturday morning, the ministry said."])
    assert kinds[3] == "caption"


def test_bulleted_summary_items_are_body_and_short_menu_items_boilerplate():
    kinds = classify_lines(ARTICLE + ["- The truce starts on Saturday", "\u2022 Turkey welcomed the move", "- Home",
                                      "The truce is due to start on Saturday morning, the ministry said."])
    assert kinds[3:6] == ["body", "body", "boilerplate"]


def test_duplicated_caption_is_caption_twice():
    cap = "Residents inspect a destroyed building in the northern town after an overnight air strike"
    kinds = classify_lines(["Air strikes hit town", "The strikes hit the town overnight, witnesses said.", cap,
                            cap + ". (Photo: Agency)", "Rescue workers searched the rubble, officials said."])
    assert kinds[2:4] == ["caption", "caption"]


# --- The literal prefilter in front of each cue regex must never reject a text the regex matches. ---------------

def _cue_regexes() -> list[re.Pattern]:
    with open(BLOCKS_YAML, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    cats = ("comment_section_start", "comment_meta", "boilerplate", "attribution", "caption")
    return [re.compile(p, re.IGNORECASE) if "(?-i:" in p else re.compile(p) for c in cats for p in cfg.get(c) or []]


_CUES = _cue_regexes()
_GROUPS = [(CueGroup(rs), rs) for rs in ([r for r in _CUES if not r.flags & re.IGNORECASE],
                                         [r for r in _CUES if r.flags & re.IGNORECASE])]


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(_CUES).flatmap(st.from_regex), st.text(max_size=40)))
def test_cue_group_search_equals_trying_every_cue(text):
    for group, regexes in _GROUPS:
        for x in (text, text.lower()):
            assert group.search(x) == any(r.search(x) for r in regexes)


# Constructs the analysis must see through or give up on soundly: inline and scoped flags, optional and repeated
# groups, empty alternatives, classes, back-references, lookarounds, MULTILINE anchors, case folds like "ſ"/"K".
TRICKY_REGEXES = [
    r"abc", r"(?i)abc", r"a(?i:bc)d", r"(?i)a(?-i:BC)d", r"^(ab|cd)+e", r"^(a|)b", r"^(?:ab)?c", r"x*y", r"a{0}b",
    r"^a{2,3}b", r"(?m)^foo", r"\Afoo", r"^[abc]x", r"^[^a]b", r"[a-z]q", r"(ab)\1", r"(?=abc)a", r"a(?!b)c",
    r"^(?:s|k)tar", r"(?i)^star", r"(?:foo|bar|baz|qux|quux)(?:1|2|3|4|5)(?:x|y)", r"^(?>ab|a)c", r"^a++b",
    r"^(x)?(?(1)a|b)c", r"^$", r"^\s*$", r"^(?:)x", r"(?s)a.b", r"^(one|two|three)?(four|five)\b",
]
_TRICKY_TEXT = st.text(alphabet="abcdefoqrstuxyz12345 \nKKſABCS", max_size=12)


@pytest.mark.parametrize("regex", _CUES, ids=lambda r: r.pattern[:40])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_prefilter_admits_every_match_of_a_cue(regex, data):
    text = data.draw(st.from_regex(regex))  # a string that contains a match, with arbitrary text around it
    assert regex.search(text)
    assert prefilter(regex).admits(text)


@pytest.mark.parametrize("pattern", TRICKY_REGEXES)
@settings(max_examples=150, deadline=None)
@given(text=_TRICKY_TEXT)
def test_prefilter_never_rejects_a_match(pattern, text):
    regex = re.compile(pattern)
    assert prefilter(regex).admits(text) or not regex.search(text)


@pytest.mark.parametrize("pattern", [p for p in TRICKY_REGEXES if "(?(" not in p and "\\1" not in p])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_prefilter_admits_generated_matches(pattern, data):
    regex = re.compile(pattern)
    text = data.draw(st.from_regex(regex))
    assert prefilter(regex).admits(text)


def test_prefilter_finds_the_cue_literals():
    assert prefilter(re.compile(r"^(source|sources|credit|credits)\s*:")) == Prefilter(("credit", "source"), ((":",),))
    assert prefilter(re.compile(r"\bnewsletter\b.{0,60}$")).needles == (("newsletter",),)
    # Case-insensitive letters give no literal; a case-sensitive group inside does.
    assert prefilter(re.compile(r"^by\s+\w+", re.IGNORECASE)) == Prefilter(None, ())
    assert prefilter(re.compile(r"^(?-i:By\s+[A-Z]\w+)", re.IGNORECASE)).prefixes == ("By",)


def test_anchored_at_start():
    assert anchored_at_start(re.compile(r"^\d+ votes$")) and anchored_at_start(re.compile(r"\Avote"))
    assert not anchored_at_start(re.compile(r"(?m)^vote")) and not anchored_at_start(re.compile(r"a^"))
    assert not anchored_at_start(re.compile(r"(^a|b)"))


def test_lower_keeps_words():
    # classify_lines counts words on the lower-cased line: lower() must map whitespace to itself and never produce
    # whitespace from anything else (checked over every code point of this Python's Unicode database).
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        assert low == c if c.isspace() else not any(x.isspace() for x in low), hex(cp)


def _iter_lines_by_find(text):
    """The former find-based iter_lines, kept as a reference (lines end at "\n", or at "\r" in a file without "\n")."""
    brk = "\r" if "\n" not in text and "\r" in text else "\n"
    pos, n, line_no = 0, len(text), 0
    while pos <= n:
        line_no += 1
        nl = text.find(brk, pos)
        end = n if nl < 0 else nl
        line_end = end - 1 if brk == "\n" and end > pos and text[end - 1] == "\r" else end
        if text[pos:line_end].strip():
            yield (line_no, pos, line_end)
        if nl < 0:
            break
        pos = nl + 1


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab \t\r\n\u2028\x0c\u00a0"), max_size=30) | st.text(max_size=30))
def test_iter_lines_matches_find_reference(text):
    assert [tuple(ln) for ln in iter_lines(text)] == list(_iter_lines_by_find(text))


@pytest.mark.parametrize("trivial", [".", "7", "a", "\u2014", "An"])
def test_trivial_line_after_a_paragraph_is_not_a_duplicate_caption(trivial):
    # "One line starts with the other" holds vacuously for a one-character line (its text minus the last
    # character is empty): a caption shown twice must repeat at least duplicate_caption_min_words words.
    para = ("An official said on Monday that the talks would resume next week in Geneva after a pause of several "
            "months, according to a statement.")
    kinds = classify_lines(["Talks to resume", para, trivial, "Diplomats expect the next round to focus on aid."])
    assert kinds[1] == "body" and kinds[2] != "caption"


def test_a_long_line_of_separators_is_classified():
    # A cue regex with ambiguous spaces around separators backtracked exponentially on such a line (this test
    # then never returned); items that cannot start or end with a space split the line one way only.
    line = " | ".join(["a    "] * 14) + " | " + "x" * 30  # 29 words: short enough for the boilerplate cues
    assert classify_lines(ARTICLE + [line])[-1] == "body"


def test_lines_broken_by_carriage_returns_only_are_lines():
    text = "Army retakes town\rThe army retook the town on Monday, officials said.\r\rIt was quiet."
    blocks = segment(text, "t")
    assert [text[b.start:b.end] for b in blocks] == ["Army retakes town",
                                                     "The army retook the town on Monday, officials said.",
                                                     "It was quiet."]
    assert [b.line_no for b in blocks] == [1, 2, 4]
