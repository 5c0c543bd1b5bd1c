"""Block segmentation: every non-blank line exactly once, the seeds against gold-dev, and cues that hold on news
pages never seen while writing them (made-up pages below, labelled by hand from shared/CODEBOOK.md)."""
from __future__ import annotations

import json

import pytest

from workbench.blocks import KINDS, classify_lines, iter_lines, segment
from workbench.evaluate import evaluate_dir

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


def test_duplicated_caption_is_caption_twice():
    cap = "Residents inspect a destroyed building in the northern town after an overnight air strike"
    kinds = classify_lines(["Air strikes hit town", "The strikes hit the town overnight, witnesses said.", cap,
                            cap + ". (Photo: Agency)", "Rescue workers searched the rubble, officials said."])
    assert kinds[2:4] == ["caption", "caption"]
