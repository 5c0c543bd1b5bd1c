"""Wire-copy tracing out of core: the same pairs and substitutions as `reuse.align`, in bounded memory.

The `sentences` table is read in column-projected batches (pyarrow), one Parquet part after another, and never held
whole. Three passes over disk buckets in a scratch folder:
1. Every batch -> per-sentence rows (article rank, start, end, content-word ids, UTF-8 text) appended to flat files,
   and shingle rows (key, sentence) appended to the bucket of their key (`reuse.shard_of`).
2. Every shingle bucket holds all rows of its keys, so its sentence pairs (`reuse.shingle_groups`) are complete; they
   are appended, oriented article_a < article_b, to the pair bucket of article_a's range.
3. Every pair bucket holds all candidate occurrences of its article pairs: pairs sharing >= MIN_SHARED shingles are
   scored, matched one-to-one (`reuse.one_to_one`), their edits computed, and both written out in table order.

Memory follows the bucket size (BUCKET_BYTES), not the corpus: per-sentence data are read from memory-mapped files
only for the sentences a bucket needs, and the maps are closed after each bucket. What does grow with the corpus is
one string per article (the id, for output) and a 4-byte source code per article. Buckets are independent, so the
per-bucket steps could be mapped over Dask workers; one process is what runs here.
"""
from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import reuse
from .tables import (CURRENT, WB_DIR, OutputRefused, ensure_link, frame, iter_table_parts, table_parts, to_arrow,
                     write_dir)

BUCKET_BYTES = 32 * 2**20  # target size of one bucket file: what one step holds in memory, several times over
BATCH_ROWS = 20_000  # sentences read per batch
SHINGLES_PER_SENTENCE = 24  # used only to choose the number of buckets before the first pass
SENT_COLUMNS = ["article_id", "start", "end", "block_kind", "text"]
SHINGLE_ROW = np.dtype([("key", "<u8"), ("sent", "<i8")])


class Spill:
    """Append-only binary bucket files of one numpy dtype in a folder: write rows to buckets, read one bucket."""

    def __init__(self, folder: Path, name: str, n: int, dtype: np.dtype):
        self.paths = [folder / f"{name}-{k:05d}.bin" for k in range(n)]
        self.dtype = np.dtype(dtype)
        for p in self.paths:
            p.touch()

    def write(self, bucket: np.ndarray, rows: np.ndarray) -> None:
        """Append `rows` to the bucket each row names (`bucket`, same length)."""
        if len(rows) == 0:
            return
        order = np.argsort(bucket, kind="stable")
        bucket, rows = bucket[order], rows[order]
        bounds = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1], True])
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            with open(self.paths[int(bucket[lo])], "ab") as fh:
                rows[lo:hi].tofile(fh)

    def read(self, k: int) -> np.ndarray:
        """All rows of bucket k, in the order written."""
        return np.fromfile(self.paths[k], dtype=self.dtype)

    def drop(self, k: int) -> None:
        """Delete bucket k's file (its rows are consumed)."""
        self.paths[k].unlink(missing_ok=True)


def sentence_batches(out_dir: str | Path, *, batch_rows: int = BATCH_ROWS,
                     columns: list[str] = SENT_COLUMNS) -> Iterator[pa.RecordBatch]:
    """The reuse-eligible rows of the `sentences` table -> record batches of `columns` (block_kind among them),
    one part and row group at a time."""
    kinds = pa.array(reuse.REUSE_KINDS)
    for part in table_parts(out_dir, "sentences"):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows, columns=columns):
            batch = batch.filter(pc.is_in(batch.column("block_kind"), value_set=kinds))
            if batch.num_rows:
                yield batch


def _article_ranks(out_dir: Path, batch_rows: int) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """-> (article ids sorted, their Index, source code per rank): ids of `articles` and of `sentences` alike."""
    arts = pd.concat([pd.DataFrame(columns=["article_id", "outlet"]),
                      *iter_table_parts(out_dir, "articles", columns=["article_id", "outlet"])], ignore_index=True)
    arts = arts.drop_duplicates("article_id")
    seen = [np.asarray(pc.unique(b.column("article_id")).to_pylist(), dtype=object)
            for b in sentence_batches(out_dir, batch_rows=batch_rows, columns=["article_id", "block_kind"])]
    ids = np.unique(np.concatenate([arts["article_id"].to_numpy(dtype=object), *seen]).astype(str)).astype(object)
    index = pd.Index(ids)
    outlet = pd.Series(arts["outlet"].to_numpy(), index=arts["article_id"].to_numpy()).reindex(ids)
    src = [reuse.source_of(o, a) for a, o in zip(ids, outlet.to_numpy())]
    return ids, index, pd.factorize(np.asarray(src, dtype=object))[0].astype(np.int32)


def _gather(values: np.ndarray, ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR data (values, ptr) -> (values of `rows` concatenated, their new ptr), reading only those rows."""
    lo, hi = ptr[rows], ptr[rows + 1]
    lens = hi - lo
    new_ptr = np.r_[0, np.cumsum(lens)].astype(np.int64)
    idx = np.repeat(lo - new_ptr[:-1], lens) + np.arange(new_ptr[-1], dtype=np.int64)
    return np.asarray(values[idx]), new_ptr


class _Writer:
    """One output table written chunk by chunk into a temporary file, renamed into place by `publish`.

    It goes where `tables.write_table` would put it (`tables.write_dir`: an open transaction's generation, the
    published generation of a managed folder, or the folder itself).
    """

    def __init__(self, table: str, out_dir: Path, metadata: dict[str, str]):
        self.table, self.metadata, self.out = table, metadata, out_dir
        self.dest = write_dir(out_dir)
        fd, tmp = tempfile.mkstemp(prefix=f".{table}.parquet.", suffix=".tmp", dir=self.dest)
        os.close(fd)
        self.tmp = Path(tmp)
        self.schema = to_arrow(table, frame(table, []), metadata).schema
        self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")

    def write(self, df: pd.DataFrame) -> None:
        if len(df):
            self.writer.write_table(to_arrow(self.table, df, self.metadata).cast(self.schema))

    def close(self) -> None:
        self.writer.close()

    def publish(self) -> Path:
        name = f"{self.table}.parquet"
        os.replace(self.tmp, self.dest / name)
        if self.dest == self.out / WB_DIR / CURRENT and not ensure_link(self.out, name):
            raise OutputRefused(f"{self.out / name} was not written by the workbench; it is left as it is")
        return self.out / name

    def discard(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)


def write_reuse_tables_ooc(out_dir: str | Path, *, threshold: float = reuse.THRESHOLD, max_df: int = reuse.MAX_DF,
                           min_shared: int = reuse.MIN_SHARED, bucket_bytes: int = BUCKET_BYTES,
                           batch_rows: int = BATCH_ROWS, work_dir: str | Path | None = None) -> list[Path]:
    """Align the sentences of a folder of tables out of core; write `reuse_pairs` and `substitutions` -> paths.

    Same rows as `reuse.align` and `reuse.substitutions_frame` on the whole table, written in the same order.
    `work_dir` holds the scratch buckets (default: the system temporary folder); they are removed at the end.
    """
    out = Path(out_dir)
    meta = {"reuse_threshold": str(threshold)}
    writers = [_Writer("reuse_pairs", out, meta), _Writer("substitutions", out, meta)]
    try:
        with tempfile.TemporaryDirectory(prefix="wb-reuse-", dir=work_dir) as tmp:
            _run(out, Path(tmp), writers, threshold=threshold, max_df=max_df, min_shared=min_shared,
                 bucket_bytes=bucket_bytes, batch_rows=batch_rows)
        for w in writers:
            w.close()
        return [w.publish() for w in writers]
    except BaseException:
        for w in writers:
            w.discard()
        raise


def _run(out: Path, tmp: Path, writers: list[_Writer], *, threshold: float, max_df: int, min_shared: int,
         bucket_bytes: int, batch_rows: int) -> None:
    stop, _ = reuse.load_vocab()
    ids, index, src_of_rank = _article_ranks(out, batch_rows)
    n_rows = sum(pq.ParquetFile(p).metadata.num_rows for p in table_parts(out, "sentences"))
    n_buckets = max(1, math.ceil(n_rows * SHINGLES_PER_SENTENCE * SHINGLE_ROW.itemsize / bucket_bytes))
    shingles = Spill(tmp, "shingles", n_buckets, SHINGLE_ROW)

    # Pass 1: per-sentence files and shingle buckets.
    files = {name: open(tmp / f"{name}.bin", "wb") for name in ("rank", "start", "end", "ids", "ptr", "text", "toff")}
    n_sent, n_ids, n_bytes = 0, 0, 0
    files["ptr"].write(np.zeros(1, np.int64).tobytes())
    files["toff"].write(np.zeros(1, np.int64).tobytes())
    lookup: dict[str, int] = {}
    for batch in sentence_batches(out, batch_rows=batch_rows):
        texts = batch.column("text").to_pylist()
        rank = index.get_indexer(np.asarray(batch.column("article_id").to_pylist(), dtype=object)).astype(np.int32)
        files["rank"].write(rank.tobytes())
        files["start"].write(batch.column("start").to_numpy().astype(np.int64).tobytes())
        files["end"].write(batch.column("end").to_numpy().astype(np.int64).tobytes())
        enc = [t.encode("utf-8") for t in texts]
        files["text"].write(b"".join(enc))
        files["toff"].write((n_bytes + np.cumsum([len(e) for e in enc], dtype=np.int64)).tobytes())
        n_bytes += sum(len(e) for e in enc)
        idx = reuse.shingle_index(texts, stop=stop, lookup=lookup)
        files["ids"].write(idx.ids.tobytes())
        files["ptr"].write((idx.ptr[1:] + n_ids).tobytes())
        n_ids += len(idx.ids)
        rows = np.empty(len(idx.keys), SHINGLE_ROW)
        rows["key"], rows["sent"] = idx.keys, idx.sent.astype(np.int64) + n_sent
        shingles.write(reuse.shard_of(idx.keys, n_buckets), rows)
        n_sent += len(texts)
        if len(lookup) > reuse.LOOKUP_LIMIT:
            lookup.clear()
    for fh in files.values():
        fh.close()
    if n_sent == 0:
        return

    # Pass 2: candidate pair occurrences, bucketed by the range of article_a.
    n_art = max(len(ids), 1)
    pairs = Spill(tmp, "pairs", n_buckets, np.int64)
    for k in range(n_buckets):
        rows = shingles.read(k)
        shingles.drop(k)
        rank_map = np.memmap(tmp / "rank.bin", dtype=np.int32, mode="r", shape=(n_sent,))
        for a, b in reuse.shingle_groups(rows["key"], rows["sent"], max_df=max_df):
            ra, rb = np.asarray(rank_map[a]), np.asarray(rank_map[b])
            keep = src_of_rank[ra] != src_of_rank[rb]
            a, b, ra, rb = a[keep], b[keep], ra[keep], rb[keep]
            swap = ra > rb
            a, b = np.where(swap, b, a), np.where(swap, a, b)
            lo_rank = np.minimum(ra, rb).astype(np.int64)
            pairs.write(lo_rank * n_buckets // n_art, a * np.int64(n_sent) + b)
        del rank_map, rows

    # Pass 3: score, match one-to-one, write; buckets in article_a order, so the output is in table order.
    for keys in _pair_buckets(pairs, tmp, n_sent, n_art, bucket_bytes):
        uniq, counts = np.unique(keys, return_counts=True)
        del keys
        hit = uniq[counts >= min_shared]
        del uniq, counts
        if len(hit):
            _align_bucket(tmp, n_sent, hit // n_sent, hit % n_sent, ids, writers, threshold=threshold)


def _pair_buckets(pairs: Spill, tmp: Path, n_sent: int, n_art: int, bucket_bytes: int) -> Iterator[np.ndarray]:
    """Yield the pair keys of each bucket in article_a order; a bucket over 2x `bucket_bytes` (near-duplicate
    articles make many more pairs than shingles) is split by finer article ranges first, read in slices."""
    n = len(pairs.paths)
    for k in range(n):
        size = pairs.paths[k].stat().st_size
        if size <= 2 * bucket_bytes:
            keys = pairs.read(k)
            pairs.drop(k)
            yield keys
            continue
        lo, hi = -(-k * n_art // n), -(-(k + 1) * n_art // n)  # the article ranks that went to bucket k
        m = min(max(2, math.ceil(size / bucket_bytes)), max(hi - lo, 1))
        sub = Spill(tmp, f"pairs{k:05d}", m, np.int64)
        rank_map = np.memmap(tmp / "rank.bin", dtype=np.int32, mode="r", shape=(n_sent,))
        step = bucket_bytes // 8
        for start in range(0, size // 8, step):
            keys = np.fromfile(pairs.paths[k], dtype=np.int64, count=step, offset=start * 8)
            ra = np.asarray(rank_map[keys // n_sent]).astype(np.int64)
            sub.write(np.minimum((ra - lo) * m // max(hi - lo, 1), m - 1), keys)
        del rank_map
        pairs.drop(k)
        for j in range(m):  # one article's pairs stay together, however many: a bucket is never split below that
            keys = sub.read(j)
            sub.drop(j)
            yield keys


def _align_bucket(tmp: Path, n_sent: int, a: np.ndarray, b: np.ndarray, ids: np.ndarray, writers: list[_Writer], *,
                  threshold: float, chunk: int = 5_000) -> None:
    """Candidate pairs of one bucket -> their reuse_pairs and substitutions rows, appended to the writers."""
    need = np.unique(np.r_[a, b])
    mm = {n: np.memmap(tmp / f"{n}.bin", dtype=d, mode="r") for n, d in
          (("rank", np.int32), ("start", np.int64), ("end", np.int64), ("ids", np.int32), ("ptr", np.int64),
           ("toff", np.int64))}
    rank, start, end = (np.asarray(mm[n][need]) for n in ("rank", "start", "end"))
    cid, cptr = _gather(mm["ids"], mm["ptr"], need)
    toff_lo, toff_hi = np.asarray(mm["toff"][need]), np.asarray(mm["toff"][need + 1])
    del mm
    ia, ib = np.searchsorted(need, a), np.searchsorted(need, b)

    @lru_cache(maxsize=4096)  # pairs come sorted by sentence a, so a small cache holds the repeats
    def content(i: int) -> list[int]:
        return cid[cptr[i]:cptr[i + 1]].tolist()

    sims = np.fromiter((reuse._score(content(x), content(y)) for x, y in zip(ia.tolist(), ib.tolist())),
                       dtype=np.float64, count=len(ia))
    content.cache_clear()
    keep = sims > threshold  # above the floor: short lines sharing half their words score exactly 0.5
    ia, ib, sims = ia[keep], ib[keep], np.round(sims[keep], 4)
    if len(ia) == 0:
        return
    ra, rb = rank[ia], rank[ib]
    sel = reuse.one_to_one(ia, ib, ra, rb, sims, (ra, start[ia], rb, start[ib]))
    ia, ib, sims = ia[sel], ib[sel], sims[sel]
    order = np.lexsort((start[ib], rank[ib], start[ia], rank[ia]))
    ia, ib, sims = ia[order], ib[order], sims[order]
    writers[0].write(pd.DataFrame({
        "article_a": ids[rank[ia]], "start_a": start[ia], "end_a": end[ia],
        "article_b": ids[rank[ib]], "start_b": start[ib], "end_b": end[ib], "similarity": sims,
    }))
    # Edits in chunks of whole article_a runs (their rows sort among themselves only), so the strings and tokens
    # alive at once stay bounded however large the bucket.
    cuts = np.flatnonzero(np.r_[True, rank[ia][1:] != rank[ia][:-1]])
    lo = 0
    while lo < len(ia):
        hi = int(cuts[np.searchsorted(cuts, lo + chunk, side="left")]) if lo + chunk < cuts[-1] else len(ia)
        hi = max(hi, lo + 1)
        _write_edits(tmp, ia[lo:hi], ib[lo:hi], rank, start, toff_lo, toff_hi, ids, writers[1])
        lo = hi


def _write_edits(tmp: Path, ia: np.ndarray, ib: np.ndarray, rank: np.ndarray, start: np.ndarray,
                 toff_lo: np.ndarray, toff_hi: np.ndarray, ids: np.ndarray, writer: _Writer) -> None:
    """Aligned pairs (local sentence numbers) -> their word-level edits, appended to the substitutions writer."""
    used = np.unique(np.r_[ia, ib])
    blob = np.memmap(tmp / "text.bin", dtype=np.uint8, mode="r") if toff_hi.max(initial=0) > 0 else None
    texts = {int(i): bytes(blob[toff_lo[i]:toff_hi[i]]).decode("utf-8") if blob is not None else "" for i in used}
    del blob
    toks = {i: reuse._tokens(t) for i, t in texts.items()}
    rows = []
    for x, y in zip(ia.tolist(), ib.tolist()):
        ta, tb, sa, sb = texts[x], texts[y], int(start[x]), int(start[y])
        for e in reuse._edits(toks[x], toks[y], len(ta), len(tb)):
            rows.append((rank[x], ids[rank[x]], sa + e.start_a, sa + e.end_a, ta[e.start_a:e.end_a],
                         rank[y], ids[rank[y]], sb + e.start_b, sb + e.end_b, tb[e.start_b:e.end_b], e.op))
    cols = ["rank_a", "article_a", "start_a", "end_a", "text_a", "rank_b", "article_b", "start_b", "end_b", "text_b",
            "op"]
    subs = pd.DataFrame(rows, columns=cols).sort_values(["rank_a", "start_a", "rank_b", "start_b"], kind="stable")
    writer.write(subs.drop(columns=["rank_a", "rank_b"]).reset_index(drop=True))
