"""A reproducible synthetic news corpus built from the seed articles, for benchmarks (shared by reuse and scale).

Articles come in small *stories* (clusters of `story_size` consecutive ids). Every story draws ~600 words of seed
sentences and renames 90% of its content words with story-specific pseudo-words, so different stories share only
function-word n-grams (as unrelated real stories do) while articles of one story are rewrites of the same wire copy:
sentences dropped and shuffled, framing words swapped per outlet ("government" -> "regime"), a few random word
substitutions, and a date within three days of the story's. Article `i` depends only on `(seed, i)`, so the first
N articles of a 2N corpus are the N-article corpus.

API:
    make_corpus(n, *, seed=0, story_size=4, words=600) -> Iterator[dict]   keys: id, text, outlet, published, story
    write_jsonl(path, n, *, seed=0, **options) -> Path                    one JSON object per line (workbench input)

Usage: `python benchmarks/synth.py OUT.jsonl --n 1000 [--seed 0]`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
# Framing swaps an outlet may apply (the kind of edits reuse tracing must recover); generic news vocabulary.
FRAMING_SWAPS = (
    ("government", "regime"), ("rebels", "terrorists"), ("rebel", "terrorist"), ("forces", "troops"),
    ("killed", "murdered"), ("said", "claimed"), ("opposition", "insurgent"), ("fighters", "militants"),
    ("offensive", "operation"), ("raids", "strikes"),
)
OUTLETS = tuple(f"Outlet {k:02d}" for k in range(1, 25))
WIRES = ("Reuters", "AFP", "AP")
SYLLABLES = ("ka", "lo", "mi", "ran", "te", "sul", "vo", "bri", "den", "zu", "qa", "nor", "pe", "fi", "go", "tam")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENT_SPLIT = re.compile(r"(?<=[.!?”\"])\s+(?=[“\"A-Z])")
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from by with and or but as that this which who was were is are be been has have "
    "had it its their they he she his her not no said after before since over into than more most".split()
)


@lru_cache(maxsize=2)
def seed_sentences(folder: str = str(SEEDS_DIR)) -> tuple[str, ...]:
    """The seed articles' body-like sentences (lines of >= 12 words, split on sentence ends) -> tuple of str."""
    out: list[str] = []
    for path in sorted(Path(folder).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) < 12:
                continue  # headlines, boilerplate and comments are not copy
            out.extend(s.strip() for s in _SENT_SPLIT.split(line) if len(s.split()) >= 6)
    return tuple(out)


def _pseudo(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def _rename(sentence: str, mapping: dict[str, str], rng: random.Random, p: float) -> str:
    """Replace content words by story pseudo-words (a word's replacement is fixed within one story)."""
    def sub(m: re.Match) -> str:
        w = m.group(0)
        key = w.lower()
        if key in FUNCTION_WORDS or any(key == a for a, _ in FRAMING_SWAPS):
            return w
        if key not in mapping:
            mapping[key] = _pseudo(rng) if rng.random() < p else key
        new = mapping[key]
        return new.capitalize() if w[0].isupper() else new
    return _WORD.sub(sub, sentence)


@lru_cache(maxsize=64)
def _story(seed: int, story: int, words: int) -> tuple[tuple[str, ...], str, str]:
    """One story's wire sentences, its wire agency and its base date (cached: a story serves several articles)."""
    rng = random.Random(f"{seed}:story:{story}")
    pool = seed_sentences()
    mapping: dict[str, str] = {}
    sents: list[str] = []
    n_words = 0
    for k in rng.sample(range(len(pool)), len(pool)):  # without replacement: no sentence twice in a story
        if n_words >= words * 1.15:  # articles drop ~15% of the wire copy
            break
        s = _rename(pool[k], mapping, rng, p=0.9)
        sents.append(s)
        n_words += len(s.split())
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    return tuple(sents), rng.choice(WIRES), day.isoformat()


def make_article(i: int, *, seed: int = 0, story_size: int = 4, words: int = 600) -> dict:
    """Article number `i` of the corpus -> {id, text, outlet, published, story} (depends only on seed and i)."""
    story = i // story_size
    wire_sents, wire, base_day = _story(seed, story, words)
    rng = random.Random(f"{seed}:article:{i}")
    outlet = None if rng.random() < 0.08 else rng.choice(OUTLETS)
    swaps = [pair for pair in FRAMING_SWAPS if rng.random() < 0.3]
    sents = [s for s in wire_sents if rng.random() > 0.15]
    for _ in range(max(1, len(sents) // 8)):  # local shuffles: a sentence moves a few places
        a = rng.randrange(len(sents))
        b = min(len(sents) - 1, max(0, a + rng.randint(-3, 3)))
        sents[a], sents[b] = sents[b], sents[a]
    out = []
    for s in sents:
        for old, new in swaps:
            s = re.sub(rf"\b{old}\b", new, s)
        toks = s.split(" ")
        for _ in range(rng.random() < 0.3):  # a random word substitution in ~30% of sentences
            k = rng.randrange(len(toks))
            toks[k] = _pseudo(rng)
        out.append(" ".join(toks))
    headline = " ".join(out[0].split()[:10]).rstrip(".,;:")
    paras = [" ".join(out[k:k + 2]) for k in range(0, len(out), 2)]
    credit = [f"SOURCE: {wire}"] if rng.random() < 0.5 else []
    published = dt.date.fromisoformat(base_day) + dt.timedelta(days=rng.randint(0, 3))
    return {
        "id": f"syn{seed}-{i:07d}",
        "text": "\n\n".join([headline, *paras, *credit]) + "\n",
        "outlet": outlet,
        "published": published.isoformat(),
        "story": story,
    }


def make_corpus(n: int, *, seed: int = 0, story_size: int = 4, words: int = 600) -> Iterator[dict]:
    """Yield `n` synthetic articles (dicts with id, text, outlet, published, story), reproducible from `seed`."""
    for i in range(n):
        yield make_article(i, seed=seed, story_size=story_size, words=words)


def write_jsonl(path: str | Path, n: int, *, seed: int = 0, **options) -> Path:
    """Write `n` synthetic articles as JSON lines (the workbench's .jsonl corpus format) -> the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in make_corpus(n, seed=seed, **options):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: write a synthetic corpus to a .jsonl file."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    print(write_jsonl(args.out, args.n, seed=args.seed))


if __name__ == "__main__":
    main()
