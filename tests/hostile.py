"""A hostile corpus: real-ish articles (the seeds and synthetic articles built from their sentences) plus about 10%
hostile inputs of every kind the readers must survive, with what each must give.

`make_txt_corpus(folder)` writes a folder corpus, `make_jsonl_corpus(path)` and `make_csv_corpus(path)` record
corpora, `make_metadata(path)` and `make_corrections(folder)` bad side files. Each returns a `Hostile` listing the
ids that must be annotated and, per bad input, a path suffix and a fragment of the reason its `errors` (or
`corrections_conflicts`) row must give. `python -m tests.hostile DIR` writes them all under DIR for a manual probe.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from workbench.config import PROJ_ROOT, SEEDS_DIR

PARA = "The council said on Monday that 12 people were hurt when a storm hit the town, officials told reporters. "


@dataclass
class Hostile:
    """What a run over a hostile corpus must give: these ids annotated, one error per (path suffix, reason)."""

    good: list[str] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)


def _synth_articles(n: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("synth", PROJ_ROOT / "benchmarks" / "synth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.make_corpus(n, seed=11, words=250))


def make_txt_corpus(folder: Path, *, n_synth: int = 80) -> Hostile:
    """Seeds + `n_synth` synthetic articles + long and quote-heavy good ones + one of each hostile file kind."""
    folder = Path(folder)
    (folder / "wire" / "deep").mkdir(parents=True)
    h = Hostile()
    for p in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copyfile(p, folder / p.name)
        h.good.append(p.stem)
    for i, rec in enumerate(_synth_articles(n_synth)):
        sub = folder / ("wire/deep" if i % 3 == 0 else "wire" if i % 3 == 1 else "")
        (sub / f"{rec['id']}.txt").write_text(rec["text"], encoding="utf-8")
        h.good.append(rec["id"])
    # good but awkward: upper-case extension, a 300,000-character line, 20,000 quote marks, CRLF and a BOM
    (folder / "UPPER.TXT").write_text("Storm hits town\n\n" + PARA * 3, encoding="utf-8")
    (folder / "wire" / "longline.txt").write_text("Storm hits town\n\n" + PARA * 3000 + "\n", encoding="utf-8")
    (folder / "quotes.txt").write_text('Quote marks\n\nHe said: ' + '"' * 20_000 + " and left.\n", encoding="utf-8")
    (folder / "crlf.txt").write_bytes(("\ufeffStorm hits town\r\n\r\n" + PARA + "\r\n").encode("utf-8"))
    (folder / "a-folder.txt").mkdir()  # a folder named like an article: not an input, not an error
    h.good += ["UPPER", "longline", "quotes", "crlf"]
    # hostile: one of each kind
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"Storm\x00\x01\x02 hits")
    (folder / "latin1.txt").write_bytes("Storm hits Montréal\n".encode("latin-1"))
    (folder / "surrogate.txt").write_bytes(b"Storm \xed\xa0\x80 hits\n")  # a UTF-16 surrogate, CESU style
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(folder / "no-such-file")
    (folder / "wire" / "huge.txt").write_text("Huge\n\n" + "word " * 300_000, encoding="utf-8")  # over a 1 MiB cap
    (folder / "wire" / "deep" / "quotes.txt").write_text("Same id as quotes.txt\n", encoding="utf-8")
    h.bad += [("empty.txt", "empty file"), ("blank.txt", "whitespace only"), ("binary.txt", "binary file"),
              ("latin1.txt", "invalid UTF-8"), ("surrogate.txt", "invalid UTF-8"),
              ("pipe.txt", "not a regular file (a FIFO)"), ("zero.txt", "not a regular file (a character device)"),
              ("gone.txt", "No such file"), ("huge.txt", "size cap"),
              ("deep/quotes.txt", "duplicate article id 'quotes'")]
    return h


def make_jsonl_corpus(path: Path) -> Hostile:
    """A JSONL corpus: good records (one with numeric fields) and one line of each hostile kind."""
    h = Hostile()
    lines = []
    for rec in _synth_articles(12):
        lines.append(json.dumps({"id": rec["id"], "text": rec["text"], "outlet": rec["outlet"]}))
        h.good.append(rec["id"])
    lines.append(json.dumps({"id": 123, "text": "Storm hits town.\n\n" + PARA, "outlet": 123, "published": None}))
    h.good.append("123")
    bad = [("outlet-list", json.dumps({"id": "x1", "text": PARA, "title": ["a", "b"]}), "field 'title' is a list"),
           ("obj", json.dumps({"id": "x2", "text": PARA, "outlet": {"n": 1}}), "field 'outlet' is a dict"),
           ("surrogate", '{"id": "x3", "text": "Storm \\ud800 hits"}', "lone surrogate"),
           ("deep", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
           ("notjson", '{"id": "x4", "text": ', "malformed JSON"),
           ("textint", json.dumps({"id": "x5", "text": 5}), "text is int"),
           ("date", json.dumps({"id": "x6", "text": PARA, "published": "2019-02-30"}), "bad published date"),
           ("huge", json.dumps({"id": "x7", "text": "word " * 300_000}), "size cap")]
    for _, line, reason in bad:
        lines.append(line)
        h.bad.append((f"{path.name}:{len(lines)}", reason))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return h


def make_csv_corpus(path: Path) -> Hostile:
    """A CSV corpus: good rows, a row with a quote left open (the rows after it must still be read), bad bytes,
    extra cells."""
    h = Hostile()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "text", "outlet"])
    for rec in _synth_articles(6)[:3]:
        writer.writerow([rec["id"], rec["text"], rec["outlet"]])  # quotes doubled, newlines inside quoted cells
        h.good.append(rec["id"])
    rows = [buf.getvalue().rstrip("\n").encode("utf-8")]
    rows.append(b'open,"A quote never closed ' + PARA.encode() + b",X")
    rows.append(b"after1," + PARA.encode().replace(b",", b"") + b",Y")
    rows.append(b"latin,Storm hits Montr\xe9al,Z")
    rows.append(b"extra,one,two,three")
    rows.append(b"after2,Storm hits town again today.,Y")
    h.good += ["after1", "after2"]
    h.bad += [(f"{path.name}:row 5", "malformed CSV record"), (f"{path.name}:row 7", "invalid UTF-8"),
              (f"{path.name}:row 8", "more cells than the header")]
    Path(path).write_bytes(b"\n".join(rows) + b"\n")
    return h


def make_metadata(path: Path, ids: list[str]) -> Hostile:
    """A metadata CSV for `ids` with a Latin-1 row, a quote left open and a bad date."""
    h = Hostile()
    rows = [b"article_id,outlet,published,url"] + [f"{a},Outlet {i % 4},2019-08-{10 + i % 20},".encode()
                                                  for i, a in enumerate(ids[:-3])]
    rows.append(f"{ids[-3]},Caf".encode() + b"\xe9 TV,2019-08-30,")
    rows.append(f'{ids[-2]},"Open quote,2019-08-31,'.encode())
    rows.append(f"{ids[-1]},Good,2019-02-30,".encode())
    Path(path).write_bytes(b"\n".join(rows) + b"\n")
    n = len(rows)
    h.bad += [(f"{path.name}:row {n - 2}", "not UTF-8"), (f"{path.name}:row {n - 1}", "malformed CSV record"),
              (f"{path.name}:row {n}", "bad published date")]
    return h


def make_corrections(folder: Path) -> Hostile:
    """A corrections folder with a Latin-1 file, a folder named x.csv and a malformed row (conflicts, not errors)."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    head = b"action,table,article_id,start,end,sha256,surface,values\n"
    (folder / "a.csv").write_bytes(head + b"delete,timex,ghost,0,2," + b"0" * 64 + b",Caf\xe9,\n")
    (folder / "b.csv").write_bytes(head + b"frobnicate,timex,ghost,0,2,abc,,\n")
    (folder / "x.csv").mkdir()
    return Hostile(bad=[("a.csv:2", "not UTF-8"), ("b.csv:2", "unknown action"), ("x.csv", "not a regular file")])


if __name__ == "__main__":
    root = Path(sys.argv[1])
    root.mkdir(parents=True)
    txt = make_txt_corpus(root / "corpus")
    for name, h in (("corpus", txt), ("c.jsonl", make_jsonl_corpus(root / "c.jsonl")),
                    ("c.csv", make_csv_corpus(root / "c.csv")),
                    ("meta.csv", make_metadata(root / "meta.csv", txt.good)),
                    ("corrections", make_corrections(root / "corrections"))):
        print(f"{name}: {len(h.good)} good, {len(h.bad)} hostile")
