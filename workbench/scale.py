"""Annotate a streamed corpus in partitions: in-process, on a local process pool, or on a Dask cluster.

The corpus is read once, in order, by the driver and cut into partitions of plain dicts (a few MB each). Each
partition goes to a worker that loads the pipeline once per process, runs the one annotate path
(`annotate.run.annotate_articles`) and writes every table as `OUT/<table>/part-NNNNN.parquet` (atomic, with the same
provenance metadata as a single-process run). Only a small marker dict comes back to the driver, and no more than
`max_in_flight` partitions exist at a time, so memory stays flat however long the corpus is.

A marker `_checkpoint/part-NNNNN.json` is written after a partition's parts. Parts and markers are written into
a stage, `OUT/.workbench/partitioned/`, published as one set when every partition is done (`workbench.outdir`),
so a killed run leaves the previous tables whole. A rerun with the same corpus, pipeline and partition size
resumes that stage (or a hard-link copy of the published run), skips the partitions whose marker matches the
partition's fingerprint and rewrites the others under the same part names, so it never duplicates rows.

Pool workers die with the driver (PR_SET_PDEATHSIG on Linux, a watcher thread elsewhere); Dask's worker
processes watch their parent themselves. An unreachable scheduler fails after `scheduler_timeout` seconds.

Workers need to see `OUT` (the same filesystem, as for `dask.dataframe.to_parquet`).

Why futures and not `dask.bag.map_partitions`: a bag's graph lists every partition up front, so the driver (or the
scheduler) would hold the whole corpus, and a bag cannot skip the partitions a checkpoint says are done. Submitting
partitions as the stream yields them, with a bound on those in flight, keeps the same one-function-per-partition
design with memory independent of corpus size, and works unchanged on a process pool.
"""
from __future__ import annotations

import concurrent.futures as cf
import gc
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import psutil
from spacy.language import Language
from tqdm.auto import tqdm

from .annotate.pipeline import cached_pipeline, pipeline_info
from .annotate.run import Records, annotate_articles
from .corpus import Article, ReadError, iter_articles
from .corrections import apply_to_records
from .fingerprint import inputs_fingerprint
from .outdir import PARTITION_STAGE, OutputSession, check_output, current_dir, link_copy, write_file_list
from .tables import (ALL_TABLES, WB_DIR, Summary, atomic_write_parquet, frame, iter_table_parts, to_arrow,
                     write_manifest)

CHECKPOINT_DIR = "_checkpoint"
RUN_FILE = "run.json"
PART_NAME = "part-{:05d}"
# ~600-word articles are ~4 KB: 500 of them make a 2 MB task, large enough that the per-partition cost (task
# round trip, 9 small Parquet writes) is noise, small enough that Dask does not warn about large graphs.
DEFAULT_PARTITION_SIZE = 500
# The spaCy StringStore only grows: every new token string stays for the life of the Vocab. Rebuilding the
# pipeline every K partitions (0.1-1 s for `rules`) frees it, bounding worker RSS on corpora of any size.
RECYCLE_EVERY = 20
# Seconds to reach a `tcp://` scheduler before giving up (distributed's own default waits 30 s, then a traceback).
SCHEDULER_TIMEOUT = 5.0
PARTITIONED_NAMES = (*ALL_TABLES, *(f"{t}.parquet" for t in ALL_TABLES), "manifest.json", "_checkpoint")


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler given by address did not answer in time."""


class Partition(NamedTuple):
    """A slice of the corpus stream: its number, its items as plain dicts and a fingerprint of their content."""

    index: int
    items: list[dict]
    fingerprint: str


def item_to_dict(item: Article | ReadError) -> dict:
    """An Article or ReadError -> a plain dict that pickles small and safely across processes."""
    if isinstance(item, ReadError):
        return {"kind": "error", "source_path": item.source_path, "reason": item.reason}
    return {"kind": "article", "id": item.id, "text": item.text, "source_path": item.source_path,
            "outlet": item.outlet, "published": item.published, "url": item.url, "title": item.title}


def dict_to_item(d: dict) -> Article | ReadError:
    """The inverse of `item_to_dict` -> Article or ReadError."""
    if d["kind"] == "error":
        return ReadError(d["source_path"], d["reason"])
    return Article(id=d["id"], text=d["text"], source_path=d["source_path"], outlet=d["outlet"],
                   published=d["published"], url=d["url"], title=d["title"])


def fingerprint(items: Iterable[dict]) -> str:
    """A content hash of a partition's items (ids, metadata, text, errors) -> hex string."""
    h = hashlib.sha256()
    for d in items:
        h.update(json.dumps({k: v for k, v in d.items() if k != "text"}, sort_keys=True, default=str).encode())
        h.update(d.get("text", "").encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def iter_partitions(corpus: str | Path, *, meta: str | Path | None = None,
                    size: int = DEFAULT_PARTITION_SIZE) -> Iterator[Partition]:
    """Stream a corpus (and its read errors) into consecutive partitions of `size` items -> Partitions."""
    if size < 1:
        raise ValueError(f"partition size must be >= 1, not {size}")
    batch: list[dict] = []
    index = 0
    for item in iter_articles(corpus, meta=meta):
        batch.append(item_to_dict(item))
        if len(batch) == size:
            yield Partition(index, batch, fingerprint(batch))
            index, batch = index + 1, []
    if batch:
        yield Partition(index, batch, fingerprint(batch))


# --- worker side -------------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {"uses": 0}


def worker_pipeline(name: str, *, recycle_every: int = RECYCLE_EVERY) -> Language:
    """This process's pipeline `name`, built once and rebuilt every `recycle_every` partitions -> Language."""
    if recycle_every and _WORKER["uses"] >= recycle_every:
        cached_pipeline.cache_clear()
        gc.collect()
        _WORKER["uses"] = 0
    _WORKER["uses"] += 1
    return cached_pipeline(name)


def rss_mib() -> tuple[float, float]:
    """This process's current and peak resident set size in MiB -> (current, peak)."""
    current = psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return current, peak


def write_partition(records: Records, out: Path, index: int, info: dict[str, str]) -> dict[str, int]:
    """Write every table of one partition's Records as `out/<table>/part-NNNNN.parquet` -> {table: rows}."""
    counts = {}
    for table in ALL_TABLES:
        rows = records.tables.get(table, [])
        path = out / table / f"{PART_NAME.format(index)}.parquet"
        atomic_write_parquet(to_arrow(table, frame(table, rows), info), path)
        counts[table] = len(rows)
    return counts


def write_json_atomic(path: Path, data: dict) -> None:
    """Write a JSON file via a temporary name and rename (a marker is either whole or absent)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def annotate_partition(part: Partition, *, out: str, pipeline: str, corrections: str | None = None,
                       recycle_every: int = RECYCLE_EVERY) -> dict:
    """Annotate one partition in this process and write its parts and marker -> the marker dict.

    The marker holds the partition's index, fingerprint, rows per table, article and word counts and this
    process's pid and RSS (for benchmarks). Docs never leave the process.
    """
    out_path = Path(out)
    nlp = worker_pipeline(pipeline, recycle_every=recycle_every)
    items = [dict_to_item(d) for d in part.items]
    records = annotate_articles(items, nlp)
    apply_to_records(records, corrections_dir=corrections, report_unknown_articles=False)
    counts = write_partition(records, out_path, part.index, pipeline_info(nlp))
    current, peak = rss_mib()
    marker = {
        "index": part.index, "fingerprint": part.fingerprint, "tables": counts, "n_items": len(items),
        "n_words": sum(a.n_words for a in items if isinstance(a, Article)),
        "pid": os.getpid(), "rss_mib": round(current, 1), "peak_rss_mib": round(peak, 1),
    }
    write_json_atomic(out_path / CHECKPOINT_DIR / f"{PART_NAME.format(part.index)}.json", marker)
    return marker


# --- driver side -------------------------------------------------------------------------------------------------

def stage_dir(out: str | Path) -> Path:
    """The folder an unfinished partitioned run writes into (published when every partition is done) -> path."""
    return Path(out) / WB_DIR / PARTITION_STAGE


def read_markers(out: str | Path) -> dict[int, dict]:
    """The markers of finished partitions in `out` (an output folder or a stage) -> {index: marker}."""
    markers = {}
    for p in sorted((Path(out) / CHECKPOINT_DIR).glob("part-*.json")):
        try:
            m = json.loads(p.read_text(encoding="utf-8"))
            markers[int(m["index"])] = m
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a marker we cannot read is a partition to redo
    return markers


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def prepare_stage(out: Path, run: dict, *, restart: bool = False) -> Path:
    """The stage of a partitioned run in `out` -> its folder, resuming an interrupted or published run of the same
    corpus, metadata, pipeline version and partition size (unless `restart`), else empty."""
    stage = stage_dir(out)
    run_file = stage / CHECKPOINT_DIR / RUN_FILE
    if restart or _read_json(run_file) != run:
        shutil.rmtree(stage, ignore_errors=True)
        cur = current_dir(out)
        if not restart and cur is not None and _read_json(cur / CHECKPOINT_DIR / RUN_FILE) == run:
            # Published parts are never modified in place, so the stage may share them by hard links.
            link_copy(cur, stage, names=[*ALL_TABLES, CHECKPOINT_DIR])
        else:
            (stage / CHECKPOINT_DIR).mkdir(parents=True)
            write_json_atomic(run_file, run)
    for table in ALL_TABLES:
        for tmp in (stage / table).glob(".part-*.tmp"):  # left by a write that was killed half-way
            tmp.unlink(missing_ok=True)
    return stage


WHOLE_RUN_PART = "whole-run.parquet"


def report_unknown_articles(out: Path, corrections: str | None, info: dict[str, str]) -> int:
    """Write corrections naming articles absent from the whole run as `corrections_conflicts/whole-run.parquet`
    (and warn) -> number of such corrections.

    Each partition sees only its own articles, so only the driver, after the last partition, can tell a
    correction for an article of another partition from one for an article the corpus no longer has.
    """
    path = out / "corrections_conflicts" / WHOLE_RUN_PART
    path.unlink(missing_ok=True)  # a rerun recomputes it: the corpus or the corrections may have changed
    if corrections is not None and str(corrections).lower() == "none":
        return 0
    from .corrections import CorrectionConflictWarning, unknown_article_conflicts

    ids = {a for part in iter_table_parts(out, "articles", columns=["article_id"]) for a in part["article_id"]}
    rows = unknown_article_conflicts(ids, corrections)
    if rows:
        atomic_write_parquet(to_arrow("corrections_conflicts", frame("corrections_conflicts", rows), info), path)
        warnings.warn(f"{len(rows)} correction(s) are malformed or name articles not in this corpus; see {path} "
                      f"(first: {rows[0]['source']})", CorrectionConflictWarning, stacklevel=2)
    return len(rows)


def remove_stale_parts(out: Path, n_partitions: int) -> None:
    """Delete parts and markers numbered >= `n_partitions` (left by an earlier, longer version of the corpus)."""
    for folder in [out / t for t in ALL_TABLES] + [out / CHECKPOINT_DIR]:
        for p in folder.glob("part-*"):
            if int(p.name[5:10]) >= n_partitions:
                p.unlink()


def _die_with_parent(parent: int) -> None:
    """Pool worker initializer: end this worker when the driver dies, even by SIGKILL (no orphaned workers)."""
    if sys.platform == "linux":
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the driver died before the call above
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="watch-driver").start()


def connect(scheduler: str, timeout: float):
    """A distributed Client on `scheduler` -> Client; SchedulerUnreachable after `timeout` seconds."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s "
                                   f"({type(exc).__name__}); check the address or raise --scheduler-timeout") from None


@contextmanager
def open_executor(*, workers: int, scheduler: str | None, timeout: float = SCHEDULER_TIMEOUT):
    """An object with `.submit(fn, *args, **kw) -> future` for the mode asked for -> (executor, wait function).

    `scheduler=None`: a process pool of `workers`, forked on Linux (workers inherit the driver's imports and cached
    pipeline, saving seconds of start-up each), spawned elsewhere;
    "local": a Dask LocalCluster of `workers` single-threaded processes; "tcp://HOST:PORT": an existing cluster.
    """
    if scheduler is None:
        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent,
                                    initargs=(os.getpid(),)) as pool:
            yield pool, _wait_first
        return
    from distributed import Client, LocalCluster

    if scheduler == "local":
        # One thread per worker: spaCy pipelines are not meant to be shared between threads.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        cluster, client = None, connect(scheduler, timeout)
    try:
        yield _DaskSubmitter(client), _dask_wait_first
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _DaskSubmitter:
    """`client.submit` with `pure=False` (partitions are never recomputed from a hash of their 2 MB of text)."""

    def __init__(self, client) -> None:
        self.client = client

    def submit(self, fn: Callable, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)


def _wait_first(pending: set) -> tuple[set, set]:
    done, rest = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
    return done, rest


def _dask_wait_first(pending: set) -> tuple[set, set]:
    from distributed import wait

    res = wait(list(pending), return_when="FIRST_COMPLETED")
    return set(res.done), set(res.not_done)


def run_partitions(parts: Iterable[Partition], func: Callable[[Partition], dict], *, done: dict[int, dict],
                   submit: Callable | None = None, wait_first: Callable | None = None, max_in_flight: int = 4,
                   on_result: Callable[[dict], None] = lambda m: None) -> tuple[int, dict[int, dict]]:
    """Run `func` over the partitions not already `done` (serially, or through `submit`) -> (n seen, markers).

    At most `max_in_flight` partitions are submitted and not yet finished, so the driver never holds more than
    that many partitions' text. On the first failure the rest is cancelled and the error re-raised; partitions
    finished before it keep their markers.
    """
    markers = dict(done)
    pending: set = set()
    n_seen = 0

    def collect(futures) -> None:
        for f in futures:
            m = f.result()
            markers[m["index"]] = m
            on_result(m)

    try:
        for part in parts:
            n_seen = part.index + 1
            prev = done.get(part.index)
            if prev is not None and prev.get("fingerprint") == part.fingerprint:
                on_result(prev)
                continue
            if submit is None:
                m = func(part)
                markers[m["index"]] = m
                on_result(m)
                continue
            pending.add(submit(func, part))
            while len(pending) >= max_in_flight:
                finished, pending = wait_first(pending)
                collect(finished)
        while pending:
            finished, pending = wait_first(pending)
            collect(finished)
    except BaseException:
        for f in pending:
            f.cancel()
        raise
    return n_seen, markers


class _Annotate:
    """A picklable `annotate_partition` with its options bound (functools.partial pickles too; this names it)."""

    def __init__(self, **options) -> None:
        self.options = options

    def __call__(self, part: Partition) -> dict:
        return annotate_partition(part, **self.options)


def annotate_partitioned(corpus: str | Path, out: str | Path, *, pipeline: str = "rules",
                         meta: str | Path | None = None, workers: int = 1, scheduler: str | None = None,
                         partition_size: int | None = None, progress: bool = True, corrections: str | None = None,
                         recycle_every: int = RECYCLE_EVERY, max_in_flight: int | None = None, restart: bool = False,
                         partition_func: Callable[[Partition], dict] | None = None, force: bool = False,
                         scheduler_timeout: float | None = None) -> Summary:
    """Annotate `corpus` in partitions and publish partitioned tables into `out` as one set -> Summary.

    `workers` <= 1 without `scheduler` runs the partitions in this process; `workers` > 1 uses a process pool;
    `scheduler` "local" or "tcp://HOST:PORT" uses Dask. An interrupted run resumes its finished partitions;
    `restart` ignores them. `partition_func` replaces the per-partition work (tests). A corpus with no readable
    article publishes nothing (`Summary.published` False).

    Raises:
        OutputRefused: `out` cannot be written (see `outdir.check_output`) or another run is writing into it.
        SchedulerUnreachable: the `tcp://` scheduler did not answer within `scheduler_timeout` seconds.
        ValueError: unknown pipeline, or a partition size < 1.
    """
    out = Path(out)
    size = partition_size or DEFAULT_PARTITION_SIZE
    if size < 1:
        raise ValueError(f"partition size must be >= 1, not {size}")
    check_output(out, corpus=corpus, force=force, names=PARTITIONED_NAMES)
    bar = tqdm(desc="annotating", unit=" article", disable=not progress, mininterval=1.0,
               bar_format="{desc}: {n_fmt} articles and read errors")

    def advance(m: dict) -> None:
        bar.update(m["n_items"])

    with OutputSession(out) as session, ExitStack() as stack:
        executor = wait_first = None
        if workers > 1 or scheduler is not None:
            # Connect before anything is written: an unreachable scheduler fails here, fast.
            executor, wait_first = stack.enter_context(open_executor(
                workers=max(workers, 1), scheduler=scheduler, timeout=scheduler_timeout or SCHEDULER_TIMEOUT))
        # Fails early, in the driver, on an unknown pipeline; a serial run then reuses this cached pipeline, and
        # forked pool workers (started at the first submit) inherit it.
        info = pipeline_info(cached_pipeline(pipeline))
        run = {"corpus": str(Path(corpus).resolve()), "meta": str(Path(meta).resolve()) if meta else None,
               "partition_size": size, **info}
        inputs = inputs_fingerprint(corpus, meta)
        stage = prepare_stage(out, run, restart=restart)
        done = read_markers(stage)
        # Workers get an absolute path: their working folder (or machine) need not be the driver's.
        func = partition_func or _Annotate(out=str(stage.resolve()), pipeline=pipeline, corrections=corrections,
                                           recycle_every=recycle_every)
        parts = iter_partitions(corpus, meta=meta, size=size)
        try:
            n_parts, markers = run_partitions(
                parts, func, done=done, submit=executor.submit if executor else None, wait_first=wait_first,
                max_in_flight=max_in_flight or 2 * max(workers, 1), on_result=advance)
        finally:
            bar.close()
        stack.close()  # workers and cluster end here, before publishing
        remove_stale_parts(stage, n_parts)
        markers = {i: m for i, m in markers.items() if i < n_parts}
        counts = {t: sum(m["tables"].get(t, 0) for m in markers.values()) for t in ALL_TABLES}
        if not counts["articles"]:
            shutil.rmtree(stage, ignore_errors=True)
            return Summary(out=out, n_articles=0, n_errors=counts["errors"], tables=counts, info=info,
                           published=False)
        if partition_func is None:
            counts["corrections_conflicts"] += report_unknown_articles(stage, corrections, info)
        write_manifest(stage, write_file_list(stage, {
            "corpus": str(corpus), "meta": str(meta) if meta else None, "partitions": n_parts,
            "partition_size": size, "inputs_sha256": inputs, **info}))
        session.publish(stage)
    return Summary(out=out, n_articles=counts["articles"], n_errors=counts["errors"], tables=counts, info=info)
