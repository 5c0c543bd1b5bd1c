"""The output folder: what the workbench owns in it, one writer at a time, and table sets published all at once.

Layout of an output folder DIR written by `workbench annotate`:

    DIR/.workbench/gen-<id>/     a generation: every table (`<t>.parquet` or `<t>/part-*.parquet`), manifest.json
    DIR/.workbench/current       symlink to the published generation
    DIR/.workbench/lock          flock held by the one run writing into DIR (its pid inside, for the message)
    DIR/.workbench/stage-<id>/   a generation being written; `partitioned/` the resumable one of partitioned runs
    DIR/<t>.parquet, DIR/<t>/, DIR/manifest.json, DIR/_checkpoint     symlinks to .workbench/current/<name>

A run writes a whole new generation, then publishes it with one rename of the `current` symlink: readers
(`tables.read_table`, or plain `pandas.read_parquet(DIR/<t>.parquet)`) see the whole previous set or the whole new
one, whenever the run is killed. The workbench's own entries are `.workbench/` and the links into it (their names
are listed in manifest.json's `files`); it never deletes or replaces anything else in DIR. Folders written by
earlier versions (real table files carrying our provenance metadata, beside a manifest.json) are adopted: moved
into a generation of their own, with the same content, the first time a run takes the lock.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow.parquet as pq

from .tables import (ALL_TABLES, CURRENT, DERIVED_TABLES, STAGED, WB_DIR, OutputRefused, ensure_link, is_managed,
                     is_own_link, link_target)

LOCK = "lock"
PARTITION_STAGE = "partitioned"
TABLE_NAMES = (*ALL_TABLES, *DERIVED_TABLES)
PUBLIC = frozenset({f"{t}.parquet" for t in TABLE_NAMES} | set(TABLE_NAMES) | {"manifest.json", "_checkpoint"})
_PART = re.compile(r"(part-\d{5}|whole-run)\.parquet")
_MARKER = re.compile(r"part-\d{5}\.json|run\.json|\..*\.tmp")

__all__ = ["OutputBusy", "OutputRefused", "OutputSession", "check_output", "foreign_entries", "publish",
           "transaction"]


class OutputBusy(OutputRefused):
    """Another workbench run holds the output folder's lock."""


def _new_id() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


# --- what is ours --------------------------------------------------------------------------------------------------

def _has_provenance(path: Path) -> bool:
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # not Parquet or unreadable: not a table we wrote
        return False
    return b"workbench.workbench_version" in meta


def _is_legacy(out: Path, name: str) -> bool:
    """Whether `out/name`, a real file or folder, was written by a workbench version before generations."""
    p = out / name
    if name not in PUBLIC or p.is_symlink():
        return False
    try:
        if name == "manifest.json":
            data = json.loads(p.read_text(encoding="utf-8"))
            return isinstance(data, dict) and {"pipeline", "workbench_version"} <= data.keys()
        if name.endswith(".parquet"):
            return p.is_file() and _has_provenance(p)
        if not p.is_dir():
            return False
        entries = list(p.iterdir())
    except (OSError, ValueError):
        return False
    if name == "_checkpoint":
        return bool(entries) and all(e.is_file() and _MARKER.fullmatch(e.name) for e in entries)
    parts = [e for e in entries if not e.name.startswith(".")]
    return (bool(parts) and all(e.is_file() and _PART.fullmatch(e.name) and _has_provenance(e) for e in parts)
            and all(e.name.endswith(".tmp") for e in entries if e.name.startswith(".")))


def is_ours(out: str | Path, name: str) -> bool:
    """Whether the entry `out/name` was written by the workbench (its link, or a table of an earlier version)."""
    return is_own_link(out, name) or _is_legacy(Path(out), name)


def foreign_entries(out: str | Path) -> list[str]:
    """Names of the entries of `out` the workbench did not write (hidden ones aside) -> sorted names."""
    out = Path(out)
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and not is_ours(out, p.name))


def _present(p: Path) -> bool:
    return p.exists() or p.is_symlink()


def check_output(out: str | Path, *, corpus: str | Path | None = None, force: bool = False,
                 names: Iterable[str] = ()) -> None:
    """Refuse (OutputRefused) an output folder before any work: not a folder, not writable, holding the corpus,
    holding foreign files (unless `force`), or with a foreign entry where one of `names` must go (even with force).
    """
    out = Path(out)
    if _present(out) and not out.is_dir():
        raise OutputRefused(f"{out} exists and is not a folder")
    if corpus is not None:
        where, c = out.resolve(), Path(corpus).resolve()
        if c == where or where in c.parents:
            raise OutputRefused(f"{out} holds the corpus {corpus}; choose an output folder outside it")
    probe = out.absolute()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputRefused(f"{out} cannot be created: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputRefused(f"{out} is not writable" if probe == out.absolute()
                            else f"{out} cannot be created: {probe} is not writable")
    wb = out / WB_DIR
    if _present(wb) and (wb.is_symlink() or not wb.is_dir()):
        raise OutputRefused(f"{wb} is not the workbench's folder; move it away")
    if not out.is_dir():
        return
    foreign = foreign_entries(out)
    if foreign and not force:
        raise OutputRefused(f"{out} holds files the workbench did not write ({', '.join(foreign[:5])}"
                            f"{', ...' if len(foreign) > 5 else ''}); choose an empty folder or pass --force")
    in_way = [n for n in names if n in foreign]
    if in_way:
        raise OutputRefused(f"{out} holds {', '.join(in_way)}, which the workbench did not write and never replaces "
                            f"(not even with --force); move it or choose another output folder")


# --- generations ---------------------------------------------------------------------------------------------------

def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hardlink_or_copy(src: str, dst: str) -> None:
    # Table files are never modified in place (always replaced by rename), so generations may share them.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def link_copy(src: Path, dst: Path, *, names: Iterable[str] | None = None) -> None:
    """Copy a file or folder by hard links (copies where links fail); `names` limits a folder's top level."""
    if src.is_file():
        _hardlink_or_copy(str(src), str(dst))
        return
    keep = None if names is None else set(names)

    def ignore(folder: str, entries: list[str]) -> list[str]:
        top = Path(folder) == src
        return [e for e in entries if e.startswith(".") or (top and keep is not None and e not in keep)]

    shutil.copytree(src, dst, copy_function=_hardlink_or_copy, ignore=ignore)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def current_dir(out: str | Path) -> Path | None:
    """The published generation of `out` -> its folder, or None."""
    cur = Path(out) / WB_DIR / CURRENT
    return cur if cur.is_symlink() and cur.is_dir() else None


def _switch(out: Path, gen: Path) -> None:
    """Publish generation `gen`: one atomic rename of the `current` symlink."""
    wb = out / WB_DIR
    tmp = wb / f".current.{_new_id()}"
    os.symlink(gen.name, tmp)
    os.replace(tmp, wb / CURRENT)
    _fsync_dir(wb)


def _replace_with_link(out: Path, name: str) -> None:
    """Put our link at `out/name`, replacing what is there (only called for entries we wrote)."""
    p = out / name
    if p.is_dir() and not p.is_symlink():
        trash = out / WB_DIR / f"trash-{_new_id()}"
        os.rename(p, trash)
        ensure_link(out, name)
        shutil.rmtree(trash, ignore_errors=True)
        return
    tmp = out / f".{name}.{_new_id()}.link"
    os.symlink(link_target(name), tmp)
    os.replace(tmp, p)


def _sync_links(out: Path) -> None:
    """Links for every public entry of the published generation; none left pointing at nothing."""
    cur = current_dir(out)
    names = {p.name for p in cur.iterdir()} & PUBLIC if cur is not None else set()
    for name in sorted(names):
        if not ensure_link(out, name) and _is_legacy(out, name):
            _replace_with_link(out, name)
    for name in PUBLIC - names:
        if is_own_link(out, name):
            (out / name).unlink()


def _adopt_legacy(out: Path) -> None:
    """Move the tables of an earlier workbench version into a generation, same content, without a moment where
    a file is missing (a folder of parts is missing for one rename and one symlink)."""
    legacy = sorted(n for n in PUBLIC if _is_legacy(out, n))
    if not legacy:
        return
    gen = out / WB_DIR / f"gen-{_new_id()}"
    gen.mkdir()
    for name in legacy:
        link_copy(out / name, gen / name)
    _switch(out, gen)
    for name in legacy:
        _replace_with_link(out, name)


def recover(out: Path) -> None:
    """Bring `out` back to a published generation after a killed run (the lock is held): adopt an earlier
    version's tables, restore missing links, delete unpublished generations (never the resumable stage)."""
    wb = out / WB_DIR
    cur = wb / CURRENT
    if cur.exists() and not cur.is_symlink():  # a copy of the folder made the link a real folder
        _remove(cur)
    if not is_managed(out):
        cur.unlink(missing_ok=True)  # a dangling link to a generation that was never written
        _adopt_legacy(out)
    if is_managed(out):
        _sync_links(out)
    keep = {LOCK, CURRENT, PARTITION_STAGE, os.readlink(cur) if cur.is_symlink() else ""}
    for p in wb.iterdir():
        if p.name not in keep:
            _remove(p)


def publish(out: str | Path, stage: Path) -> None:
    """Publish the generation written in `stage` (a folder of `out/.workbench`) as the tables of `out`.

    Raises:
        OutputRefused: a foreign entry occupies one of the generation's names (nothing is published).
    """
    out = Path(out)
    names = sorted({p.name for p in stage.iterdir()} & PUBLIC)
    in_way = [n for n in names if _present(out / n) and not is_ours(out, n)]
    if in_way:
        raise OutputRefused(f"{out} holds {', '.join(in_way)}, which the workbench did not write and never replaces; "
                            f"move it or choose another output folder")
    cur = current_dir(out)
    old = cur.resolve() if cur is not None else None  # resolved now: after the switch the link names the new one
    gen = out / WB_DIR / f"gen-{_new_id()}"
    os.rename(stage, gen)
    for name in names:  # links to names the old generation lacks point at nothing (read as absent) until the switch
        ensure_link(out, name)
    _switch(out, gen)
    _sync_links(out)
    if old is not None and old != gen.resolve():
        shutil.rmtree(old, ignore_errors=True)


def write_file_list(stage: Path, manifest: dict) -> dict:
    """`manifest` with `files`: the public names of the generation in `stage` (what the workbench owns) -> dict."""
    names = {p.name for p in stage.iterdir()} & PUBLIC
    return {**manifest, "files": sorted(names | {"manifest.json"})}


# --- the lock ------------------------------------------------------------------------------------------------------

# Output folder (resolved) -> [lock fd, depth]: a process re-entering its own lock (ensure_tables -> annotate) passes.
_HELD: dict[str, list[int]] = {}


def _pid_in(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
    except OSError:
        return "?"


class OutputSession:
    """The lock on an output folder, held from the first check to the publish; recovers a killed run on entry.

    A second run into the same folder is refused (OutputBusy) or, with `wait`, waits. The lock is an flock, which
    the kernel releases when its process dies: the lock of a killed run is free, never stale.
    """

    def __init__(self, out: str | Path, *, wait: bool = False) -> None:
        self.out, self.wait = Path(out), wait
        self.outer = False

    def __enter__(self) -> OutputSession:
        key = str(self.out.resolve())
        if key in _HELD:
            _HELD[key][1] += 1
            return self
        wb = self.out / WB_DIR
        self.created_out, self.created_wb = not self.out.exists(), not wb.exists()
        try:
            wb.mkdir(parents=True, exist_ok=True)
            fd = os.open(wb / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputRefused(f"cannot write into {self.out}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.wait:
                pid = _pid_in(fd)
                os.close(fd)
                raise OutputBusy(f"{self.out} is being written by another workbench run (pid {pid}); wait for it "
                                 f"to finish or choose another output folder") from None
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD[key] = [fd, 1]
        self.outer = True
        try:
            recover(self.out)
        except BaseException:
            self._release(key)
            raise
        return self

    def __exit__(self, *exc) -> None:
        key = str(self.out.resolve())
        _HELD[key][1] -= 1
        if _HELD[key][1] == 0:
            self._release(key)

    def _release(self, key: str) -> None:
        fd = _HELD.pop(key)[0]
        wb = self.out / WB_DIR
        # A run that published nothing into a folder it created leaves nothing behind (a resumable stage aside).
        if self.outer and self.created_wb and not is_managed(self.out) and not (wb / PARTITION_STAGE).exists():
            shutil.rmtree(wb, ignore_errors=True)
            if self.created_out:
                with contextlib.suppress(OSError):
                    self.out.rmdir()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def new_stage(self, *, copy_current: bool = False) -> Path:
        """A fresh generation folder to write into (a hard-link copy of the published one if `copy_current`)."""
        stage = self.out / WB_DIR / f"stage-{_new_id()}"
        cur = current_dir(self.out)
        if copy_current and cur is not None:
            link_copy(cur, stage)
        else:
            stage.mkdir()
        return stage

    def publish(self, stage: Path) -> None:
        """Publish `stage` (see `publish`)."""
        publish(self.out, stage)


@contextlib.contextmanager
def staged(session: OutputSession, *, copy_current: bool = False) -> Iterator[Path]:
    """A new generation folder, removed if the block fails (a kill leaves it to the next run's recovery)."""
    stage = session.new_stage(copy_current=copy_current)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


@contextlib.contextmanager
def transaction(out: str | Path, *, wait: bool = False) -> Iterator[Path]:
    """Hold the lock of `out`; tables written into `out` inside (`tables.write_table`) are published together at the
    end, or not at all if the block fails -> the folder tables are written to.

    A folder not written by `workbench annotate` (tables made by hand or by tests) is written to directly.
    """
    out = Path(out)
    with OutputSession(out, wait=wait) as session:
        if not is_managed(out):
            yield out
            return
        key = str(out.resolve())
        with staged(session, copy_current=True) as stage:
            STAGED[key] = stage
            try:
                yield stage
            finally:
                STAGED.pop(key, None)
            session.publish(stage)
