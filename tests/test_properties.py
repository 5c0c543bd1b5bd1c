"""Property tests (hypothesis): for any text, every row of every table indexes the text exactly, and the blocks
cover every non-blank line exactly once."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.annotate.pipeline import build_pipeline
from workbench.annotate.run import annotate_articles
from workbench.blocks import segment
from workbench.corpus import Article

# Pieces of news pages (quotes, numbers, dates, credits, comment widgets) mixed with arbitrary Unicode, so the
# generated texts reach the components' rules and not only their "nothing found" paths.
FRAGMENTS = [
    "The army said", " on 30 August 2019", " at least 12 civilians were killed", ", officials said.",
    ' "We will not leave," he told reporters.', " rebels", " regime forces", " Turkey", " Idlib", " the UN",
    "By John Smith", "Photo: AFP", "Share this article", "3 comments", "Reply", "Leave a Reply", " 2,500 people",
    " last week", " on Friday", " (Reuters) -", "“curly quotes”", " ‘single’ ", "…", " — ", "\u00a0", "\t",
    "\ufeff", "\r\n", "\n", "\n\n", "\r", " ", ".", "?", "!", ":",
]
text_parts = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))
texts = st.lists(text_parts, min_size=1, max_size=40).map("".join)
SURFACE = {"mentions": "surface", "entities": "text", "quotes": "text", "figures": "text", "timex": "text",
           "sentences": "text"}
PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def nlp():
    return build_pipeline("rules")


def expected_lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines computed independently of blocks.iter_lines: split on \\n, drop one trailing \\r (a text
    without any \\n but with \\r breaks is split on \\r)."""
    out, pos = [], 0
    brk = "\r" if "\n" not in text and "\r" in text else "\n"
    for line in text.split(brk):
        end = pos + len(line) - (1 if brk == "\n" and line.endswith("\r") else 0)
        if text[pos:end].strip():
            out.append((pos, end))
        pos += len(line) + 1
    return out


@PROPS
@given(texts)
def test_blocks_cover_every_non_blank_line_exactly_once(text):
    blocks = segment(text, "x")
    assert [(b.start, b.end) for b in blocks] == expected_lines(text)
    assert [b.block_id for b in blocks] == list(range(len(blocks)))


@PROPS
@given(texts)
def test_every_row_of_every_table_indexes_the_text(text):
    rec = annotate_articles([Article("x", text, "mem")], nlp())
    if not text.strip():
        return
    for table, col in SURFACE.items():
        for r in rec.tables.get(table, []):
            assert 0 <= r["start"] <= r["end"] <= len(text), (table, r)
            assert text[r["start"]:r["end"]] == r[col], (table, r)
            if r.get("sent_start") is not None:
                assert r["sent_start"] <= r["start"] and r["end"] <= r["sent_end"] + 1, (table, r)
            if r.get("speaker_start") is not None:
                assert 0 <= r["speaker_start"] < r["speaker_end"] <= len(text), (table, r)
    lines = expected_lines(text)
    assert [(b["start"], b["end"]) for b in rec.tables["blocks"]] == lines


@PROPS
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=400).map("".join))
def test_chunked_annotation_gives_the_rows_of_a_whole_one(text):
    whole = annotate_articles([Article("x", text, "mem")], nlp())
    chunked = annotate_articles([Article("x", text, "mem")], nlp(), chunk_chars=300)
    for table in ("blocks", "sentences"):
        assert chunked.tables[table] == whole.tables[table], table
