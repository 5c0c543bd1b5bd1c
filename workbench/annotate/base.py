"""Shared pieces of the annotation layer: Doc extensions, block lookup, sentence bounds, the blocks component.

Offsets in every record are character offsets into `doc.text`, which is the article text exactly as read.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator

import numpy as np
from spacy.attrs import LOWER, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..blocks import CONTENT_KINDS, Block, load_cues, segment

for _name, _default in (("article_id", ""), ("published", None), ("outlet", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def phrase_trie(phrases) -> str:
    """Phrases -> a regex alternation factored by common prefix (a trie); a space matches any run of whitespace.

    Why a trie: Python's engine tries the alternatives of a flat alternation one by one at every position it
    tests, so a long word list costs a scan per word; factored, a shared prefix is tested once and most positions
    fail on their first character. It matches what the flat longest-first alternation matches: the phrases that
    fit the text at one position are prefixes of one another, and both forms try the longest of them first.
    """
    root: dict = {}
    for phrase in {str(p) for p in phrases}:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here

    def emit(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")  # greedy: a longer phrase is tried before the one ending here

    return emit(root)


# spaCy's tokenizer peels prefixes and suffixes off a whitespace-free run one at a time, searching the rest of the
# run each time: quadratic in its length (20,000 '"' take ~45 s). Runs longer than LONG_RUN are tokenised in
# pieces of RUN_PIECE characters and the Docs joined, so the text (and every offset) is unchanged.
LONG_RUN = 1000
RUN_PIECE = 200
_LONG_RUN = re.compile(r"\S{%d,}" % LONG_RUN)


def tokenize(nlp: Language, text: str) -> Doc:
    """`nlp.make_doc(text)`, in linear time even for very long whitespace-free runs -> Doc with text == `text`."""
    runs = [m.span() for m in _LONG_RUN.finditer(text)]
    if not runs:
        return nlp.make_doc(text)
    cuts, pos = [], 0
    for start, end in runs:
        cuts.append((pos, start))
        cuts += [(i, min(i + RUN_PIECE, end)) for i in range(start, end, RUN_PIECE)]
        pos = end
    cuts.append((pos, len(text)))
    docs = [nlp.make_doc(text[s:e]) for s, e in cuts if e > s]
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    assert doc.text == text  # from_docs joins the pieces' texts exactly: offsets stay those of `text`
    return doc


def make_doc(nlp: Language, text: str, *, article_id: str, published: dt.date | None = None,
             outlet: str | None = None) -> Doc:
    """Tokenise `text` and attach article metadata as Doc extensions -> Doc ready for `nlp.pipe`."""
    doc = tokenize(nlp, text)
    doc.user_data["wb_text"] = text
    doc._.article_id = article_id
    doc._.published = published
    doc._.outlet = outlet
    return doc


def doc_text(doc: Doc) -> str:
    """The Doc's text, cached: spaCy rebuilds `doc.text` from every token on each access (costly per call)."""
    text = doc.user_data.get("wb_text")
    if text is None:
        text = doc.text
        doc.user_data["wb_text"] = text
    return text


def doc_lower(doc: Doc) -> str | None:
    """The Doc's text lower-cased, cached for every component; None when lower-casing changes its length.

    Why: components scan the lower-cased text with exact-case patterns (re.I over long alternations is several
    times slower), and lower-casing once per Doc instead of once per component saves a pass over the text. The
    offsets of the lower-cased text equal those of `doc.text` only when the lengths agree (a few characters such
    as "İ" lower-case to two), so callers fall back to case-insensitive matching on None.
    """
    low = doc.user_data.get("wb_lower", False)
    if low is False:
        text = doc_text(doc)
        low = text.lower()
        if len(low) != len(text):
            low = None
        doc.user_data["wb_lower"] = low
    return low


def token_starts(doc: Doc) -> np.ndarray:
    """Character offset of every token (int64 array), cached: tokens never move after tokenisation."""
    idx = doc.user_data.get("wb_idx")
    if idx is None or len(idx) != len(doc):
        idx = doc.to_array("IDX").view(np.int64)
        doc.user_data["wb_idx"] = idx
    return idx


def token_lowers(doc: Doc) -> np.ndarray:
    """Lowercase-form hash (LOWER) of every token (uint64 array), cached so components can share one copy."""
    low = doc.user_data.get("wb_lower_hashes")
    if low is None or len(low) != len(doc):
        low = doc.to_array(LOWER)
        doc.user_data["wb_lower_hashes"] = low
    return low


def doc_blocks(doc: Doc) -> list[Block]:
    """The Block records the `wb_blocks` component stored on a Doc -> list (exact line offsets)."""
    return doc.user_data.get("wb_blocks", [])


def block_starts(doc: Doc) -> list[int]:
    """Start offsets of the Doc's blocks (for bisecting), cached."""
    starts = doc.user_data.get("wb_block_starts")
    if starts is None:
        starts = [b.start for b in doc_blocks(doc)]
        doc.user_data["wb_block_starts"] = starts
    return starts


def block_kind_at(doc: Doc, char: int) -> str | None:
    """The kind of the block containing character `char` -> kind, or None between blocks."""
    blocks = doc_blocks(doc)
    starts = block_starts(doc)
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and blocks[i].start <= char < blocks[i].end:
        return blocks[i].kind
    return None


def in_content(doc: Doc, char: int) -> bool:
    """Whether `char` lies in a headline, body or subheading block (where designations and figures count)."""
    return block_kind_at(doc, char) in CONTENT_KINDS


def trimmed_bounds(span: Span) -> tuple[int, int]:
    """Character bounds of a span without leading/trailing whitespace tokens -> (start, end)."""
    toks = [t for t in span if not t.is_space]
    if not toks:
        return span.start_char, span.start_char
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _sentence_bounds_all(doc: Doc) -> list[tuple[int, int]]:
    """All sentence bounds of a Doc, whitespace trimmed, from the SENT_START array (no per-token Python objects)."""
    if len(doc) == 0:
        return []
    flags = doc.to_array("SENT_START").view(np.int64)
    idx = token_starts(doc)
    starts = idx[flags == 1].tolist()
    if not starts or starts[0] != idx[0]:
        starts = [int(idx[0])] + starts
    text = doc_text(doc)
    ends = starts[1:] + [len(text)]
    out = []
    for a, b in zip(starts, ends):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        out.append((a + lead, a + len(seg.rstrip())))
    return out


def sentence_bounds(doc: Doc, char: int) -> tuple[int, int]:
    """Bounds of the sentence containing character `char` (whitespace trimmed) -> (start, end)."""
    sents = doc.user_data.get("wb_sent_bounds")
    if sents is None:
        sents = _sentence_bounds_all(doc)
        doc.user_data["wb_sent_bounds"] = sents
        doc.user_data["wb_sent_starts"] = [s for s, _ in sents]
    if not sents:
        return (0, len(doc_text(doc)))
    i = max(bisect.bisect_right(doc.user_data["wb_sent_starts"], char) - 1, 0)
    return sents[i]


def sentence_bounds_at(doc: Doc, chars: list[int]) -> list[tuple[int, int]]:
    """`sentence_bounds` for many characters (one look-up of the cached bounds, not one per character)."""
    sentence_bounds(doc, 0)  # fills the cache
    sents = doc.user_data["wb_sent_bounds"]
    if not sents:
        return [(0, len(doc_text(doc)))] * len(chars)
    starts = doc.user_data["wb_sent_starts"]
    return [sents[max(bisect.bisect_right(starts, char) - 1, 0)] for char in chars]


def iter_sentences(doc: Doc) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every non-empty sentence of the Doc, whitespace trimmed."""
    sentence_bounds(doc, 0)
    for s, e in doc.user_data["wb_sent_bounds"]:
        if e > s:
            yield s, e


def block_kinds_at(doc: Doc, chars: list[int]) -> list[str | None]:
    """`block_kind_at` for many characters (one look-up of the cached block starts, not one per character)."""
    block_kind_at(doc, 0)  # fills the cache of block starts
    blocks, starts = doc_blocks(doc), doc.user_data["wb_block_starts"]
    out = []
    for char in chars:
        i = bisect.bisect_right(starts, char) - 1
        out.append(blocks[i].kind if i >= 0 and blocks[i].start <= char < blocks[i].end else None)
    return out


class BlockSegmenter:
    """Store block records on the Doc and start a sentence at every block (a line never shares a sentence)."""

    def __init__(self, nlp: Language, name: str, *, cues_path: str | None = None) -> None:
        self.name = name
        self.cues = load_cues(cues_path) if cues_path else load_cues()

    def __call__(self, doc: Doc) -> Doc:
        blocks = doc.user_data.get("wb_blocks")
        if blocks is None:  # the runner precomputes blocks (also for chunks of very long articles)
            blocks = segment(doc_text(doc), doc._.article_id, cues=self.cues)
            doc.user_data["wb_blocks"] = blocks
        doc.user_data.pop("wb_block_starts", None)
        spans = []
        if blocks and len(doc):
            # Token indices by binary search on the token offsets: the same spans as
            # `doc.char_span(..., alignment_mode="expand")` without its per-call Python overhead.
            idx = token_starts(doc)
            first = np.searchsorted(idx, [b.start for b in blocks], side="right") - 1
            last = np.searchsorted(idx, [b.end for b in blocks], side="left")
            spans = [Span(doc, int(s), int(e), label=b.kind)
                     for b, s, e in zip(blocks, first.tolist(), last.tolist()) if e > max(s, 0)]
        if spans:
            # Token.is_sent_start's setter rescans the whole Doc on every call (quadratic on a 50 MB article),
            # so every block start is set in one array write.
            flags = doc.to_array("SENT_START").view(np.int64).copy()
            flags[[s.start for s in spans]] = 1
            doc.from_array([SENT_START], flags.reshape(-1, 1).view(np.uint64))
        doc.spans["blocks"] = spans
        return doc


@Language.factory("wb_blocks", assigns=["doc.spans", "token.is_sent_start"], default_config={"cues_path": None})
def make_block_segmenter(nlp: Language, name: str, cues_path: str | None) -> BlockSegmenter:
    """Factory for the block segmenter (cues from data/blocks.yaml unless `cues_path` is given)."""
    return BlockSegmenter(nlp, name, cues_path=cues_path)


def records(doc: Doc) -> list[Block]:
    """`blocks` table rows of one Doc."""
    return doc_blocks(doc)
