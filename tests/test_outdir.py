"""The output folder (workbench.outdir): only the workbench's own files are replaced, a run publishes its whole
table set at once whenever it is killed, one run at a time, refusals before any work."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from workbench import outdir
from workbench.annotate.write import annotate_corpus
from workbench.cli import EXIT_NOTHING, EXIT_OK, EXIT_REFUSED, EXIT_SCHEDULER, main
from workbench.config import PROJ_ROOT
from workbench.tables import ALL_TABLES, WB_DIR, atomic_write_parquet, frame, read_table, to_arrow, write_tables

ARTICLE = "Storm hits coastal town\n\nThe storm hit the town on {day}, killing {n} people, officials said.\n"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def write_corpus(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"a{i:03d}.txt").write_text(ARTICLE.format(day=DAYS[i % 7], n=i + 2), encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", 2)


def cli(*args) -> int:
    return main(["annotate", *map(str, args), "--quiet", "--corrections", "none"])


def run_cli(*args, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=PROJ_ROOT, **kw)


def snapshot(out: Path) -> dict[str, object]:
    """Every table as read through its public name (plain pandas), and the listing of the folder."""
    tables = {}
    for p in sorted(out.iterdir()):
        if p.name.endswith(".parquet") or (p.is_dir() and p.name in ALL_TABLES):
            tables[p.name] = pd.read_parquet(p).to_json()
    return {"tables": tables, "listing": sorted(p.name for p in out.iterdir())}


# --- ownership of --out --------------------------------------------------------------------------------------------

def _user_folders(out: Path) -> dict[str, str]:
    found = {}
    for name in ("timeline", "framing", "articles", "errors"):
        (out / name).mkdir(parents=True, exist_ok=True)
        (out / name / "notes.md").write_text(f"my {name} notes", encoding="utf-8")
        found[name] = f"my {name} notes"
    return found


def _assert_untouched(out: Path, mine: dict[str, str]) -> None:
    for name, text in mine.items():
        assert (out / name).is_dir() and not (out / name).is_symlink()
        assert (out / name / "notes.md").read_text(encoding="utf-8") == text


def test_folders_named_like_tables_are_never_deleted_without_force(corpus, tmp_path):
    out = tmp_path / "out"
    mine = _user_folders(out)
    assert cli(corpus, "--out", out) == EXIT_REFUSED
    _assert_untouched(out, mine)
    assert not (out / WB_DIR).exists()


def test_folders_named_like_tables_survive_forced_runs_and_analyses(corpus, tmp_path):
    out = tmp_path / "out"
    mine = _user_folders(out)
    assert cli(corpus, "--out", out, "--force") == EXIT_OK
    assert main(["analyze", str(out)]) == EXIT_OK
    assert cli(corpus, "--out", out, "--force") == EXIT_OK  # re-annotating drops the analyses, not the folders
    _assert_untouched(out, mine)
    assert len(read_table(out, "articles")) == 2  # the table, not the user's folder named `articles`
    assert read_table(out, "timeline").empty  # analyses of the old annotation are gone; the folder stays


@pytest.mark.parametrize("mode", [("--workers", "2"), ("--scheduler", "local")])
def test_a_partitioned_run_refuses_a_foreign_folder_where_a_table_goes_even_with_force(corpus, tmp_path, capsys,
                                                                                         mode):
    out = tmp_path / "out"
    mine = _user_folders(out)
    assert cli(corpus, "--out", out, "--force", "--partition-size", "1", *mode) == EXIT_REFUSED
    assert "articles" in capsys.readouterr().err
    _assert_untouched(out, mine)


def test_analyze_refuses_a_foreign_file_where_its_table_goes(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    (out / "framing.parquet").write_bytes(b"my own file")
    assert main(["analyze", str(out)]) == EXIT_REFUSED
    assert "framing.parquet" in capsys.readouterr().err
    assert (out / "framing.parquet").read_bytes() == b"my own file"


@pytest.mark.parametrize("where", ["same", "parent"])
def test_an_output_folder_holding_the_corpus_is_refused(corpus, where, capsys):
    out = corpus if where == "same" else corpus.parent
    before = sorted(p.name for p in out.rglob("*"))
    assert cli(corpus, "--out", out, "--force") == EXIT_REFUSED
    assert "holds the corpus" in capsys.readouterr().err
    assert sorted(p.name for p in out.rglob("*")) == before


def test_an_output_path_that_is_a_file_is_refused_before_any_annotation(corpus, tmp_path, monkeypatch, capsys):
    import workbench.annotate.write as write

    def no_work(*a, **k):
        raise AssertionError("annotation started")

    monkeypatch.setattr(write, "annotate_articles", no_work)
    monkeypatch.setattr(write, "build_pipeline", no_work)
    import workbench.scale as scale

    monkeypatch.setattr(scale, "cached_pipeline", no_work)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert cli(corpus, "--out", tmp_path / "file") == EXIT_REFUSED
    assert cli(corpus, "--out", tmp_path / "file", "--workers", "2") == EXIT_REFUSED
    assert cli(corpus, "--out", tmp_path / "file" / "sub") == EXIT_REFUSED
    assert capsys.readouterr().err.count("not a folder") == 3
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_a_read_only_output_folder_is_refused_before_any_annotation():
    # Its own temporary folder, readable by the unprivileged user the run switches to when the tests run as root
    # (root writes into any folder, whatever its mode).
    base = Path(tempfile.mkdtemp(prefix="wb-readonly-"))
    try:
        os.chmod(base, 0o755)
        corpus = write_corpus(base / "corpus", 1)
        for read_only in (base / "ro", base / "ro" / "new"):  # an existing folder, and one to create in it
            (base / "ro").mkdir(exist_ok=True)
            os.chmod(base / "ro", 0o555)
            cmd = [sys.executable, "-m", "workbench", "annotate", str(corpus), "--out", str(read_only), "--quiet"]
            if os.geteuid() == 0:
                cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=base,
                                  env={**os.environ, "HOME": str(base)})
            assert proc.returncode == EXIT_REFUSED, proc.stderr
            assert "not writable" in proc.stderr and "Traceback" not in proc.stderr
            assert proc.stdout == ""  # no summary: nothing was annotated
            assert os.listdir(base / "ro") == []
    finally:
        os.chmod(base / "ro", 0o755) if (base / "ro").exists() else None
        subprocess.run(["rm", "-rf", str(base)], check=True)


def test_the_manifest_lists_the_files_the_workbench_owns(corpus, tmp_path):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sorted(files) == sorted([*(f"{t}.parquet" for t in ALL_TABLES), "manifest.json"])
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(files)
    assert all((out / f).is_symlink() for f in files)


def test_a_publish_keeps_one_generation(corpus, tmp_path):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    assert main(["analyze", str(out)]) == EXIT_OK
    assert cli(corpus, "--out", out, "--workers", "2", "--partition-size", "1") == EXIT_OK
    gens = [p.name for p in (out / WB_DIR).iterdir() if p.name.startswith("gen-")]
    assert gens == [os.readlink(out / WB_DIR / "current")]
    assert sorted(p.name for p in (out / WB_DIR).iterdir()) == sorted(["current", "lock", *gens])


def test_a_folder_written_by_an_earlier_version_is_adopted_with_its_tables(corpus, tmp_path):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    old = tmp_path / "old"  # what earlier versions wrote: real files, no .workbench/
    old.mkdir()
    for p in out.iterdir():
        if not p.name.startswith("."):
            (old / p.name).write_bytes(p.read_bytes())
    (old / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(old)["tables"]
    with outdir.OutputSession(old):
        pass
    assert snapshot(old)["tables"] == before  # same tables, now the workbench's links
    assert (old / "articles.parquet").is_symlink() and (old / "notes.txt").read_text(encoding="utf-8") == "mine"
    write_corpus(corpus, 1, start=2)
    annotate_corpus(corpus, old, progress=False, corrections="none", force=True)
    assert len(read_table(old, "articles")) == 3


# --- all-or-nothing ------------------------------------------------------------------------------------------------

def make_generation(out: Path, tag: str, *, partitioned_articles: bool, derived: str) -> None:
    """Publish a small table set whose every table says `tag` (used by the kill test's child process too)."""
    info = {"pipeline": "rules", "workbench_version": "test"}
    with outdir.OutputSession(out) as session, outdir.staged(session) as stage:
        write_tables({"errors": [{"source_path": tag, "reason": "r"}],
                      derived: [{"article_id": tag, "outlet": "o"}]}, stage, metadata=info)
        art = to_arrow("articles", frame("articles", [{"article_id": tag, "n_chars": 1}]), info)
        atomic_write_parquet(art, stage / ("articles/part-00000.parquet" if partitioned_articles
                                           else "articles.parquet"))
        (stage / "manifest.json").write_text(json.dumps({**info, "tag": tag}), encoding="utf-8")
        session.publish(stage)


def table_state(out: Path) -> dict:
    """What a reader sees: through workbench.tables and through plain pandas on the public names."""
    state = {t: read_table(out, t).iloc[:, 0].tolist() for t in ("articles", "errors", "timeline", "figure_claims")}
    plain = {}
    for name in ("articles", "articles.parquet", "errors.parquet", "timeline.parquet", "figure_claims.parquet",
                 "manifest.json"):
        p = out / name
        if p.exists():
            plain[name] = p.read_text() if name.endswith(".json") else pd.read_parquet(p).iloc[:, 0].tolist()
    return {"tables": state, "plain": plain}


KILL_SCRIPT = """
import os, shutil, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_outdir import make_generation
n, calls = {n}, [0]
def killing(real):
    def f(*a, **k):
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*a, **k)
    return f
for mod, name in ((os, "rename"), (os, "replace"), (os, "symlink"), (os, "unlink"), (os, "link"),
                  (os, "mkdir"), (shutil, "rmtree")):
    setattr(mod, name, killing(getattr(mod, name)))
make_generation(Path({out!r}), "B", partitioned_articles=False, derived="figure_claims")
"""


def test_a_kill_at_any_file_operation_of_a_publish_leaves_the_old_set_or_the_new_one(tmp_path):
    seen = []
    for n in range(1, 200):
        out = tmp_path / f"out{n}"
        make_generation(out, "A", partitioned_articles=True, derived="timeline")
        old = table_state(out)
        proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT.format(root=str(PROJ_ROOT), n=n, out=str(out))],
                              capture_output=True, text=True, timeout=120)
        now = table_state(out)
        if proc.returncode == 0:  # the publish ran to its end without reaching kill point n
            assert now["tables"] == {"articles": ["B"], "errors": ["B"], "timeline": [], "figure_claims": ["B"]}
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        if now != old:  # past the switch: the whole new set, through every public name
            assert now["tables"] == {"articles": ["B"], "errors": ["B"], "timeline": [], "figure_claims": ["B"]}
            assert "tag\": \"B" in now["plain"]["manifest.json"]
            assert all(v == ["B"] for k, v in now["plain"].items() if k != "manifest.json")
        seen.append(now == old)
        with outdir.OutputSession(out):  # the next run recovers: every link there, nothing half-written left
            pass
        assert table_state(out)["tables"] == now["tables"]
        assert sorted(p.name for p in (out / WB_DIR).iterdir() if p.name != "lock") == ["current", os.readlink(
            out / WB_DIR / "current")]
    assert len(seen) > 10  # every rename, link and removal of a publish and of the recovery before it
    assert True in seen and False in seen  # kills before and after the switch were both exercised


def test_an_empty_corpus_changes_nothing_and_exits_4(corpus, tmp_path):
    out = tmp_path / "out"
    assert cli(corpus, "--out", out) == EXIT_OK
    main(["analyze", str(out)])
    before = snapshot(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_bytes(b"")
    assert cli(empty, "--out", out) == EXIT_NOTHING
    assert cli(empty, "--out", out, "--partition-size", "1", "--workers", "2") == EXIT_NOTHING
    assert snapshot(out) == before
    assert cli(empty, "--out", tmp_path / "new") == EXIT_NOTHING
    assert not (tmp_path / "new").exists()


def test_a_failing_analysis_publishes_none_of_the_analysis_tables(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    assert main(["analyze", str(out)]) == EXIT_OK
    before = snapshot(out)
    import workbench.timeline as timeline

    def broken(out_dir):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(timeline, "write_timeline_tables", broken)
    write_corpus(corpus, 1, start=5)
    with pytest.raises(RuntimeError):
        main(["analyze", str(out)])  # framing and reuse were written into the stage, then the set was dropped
    assert snapshot(out) == before
    assert [p.name for p in (out / WB_DIR).iterdir() if p.name.startswith("stage-")] == []


def test_a_failing_validity_run_publishes_neither_validity_nor_framing(corpus, tmp_path, monkeypatch):
    import workbench.framing as framing
    from workbench.tables import write_table

    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    assert main(["analyze", str(out)]) == EXIT_OK
    before = snapshot(out)

    def half_done(out_dir, source):
        write_table("validity", [{"table": "mentions"}], out_dir)
        write_table("framing", [], out_dir)
        raise RuntimeError("judgements unreadable half-way")

    monkeypatch.setattr(framing, "write_validity", half_done)
    (tmp_path / "judged.csv").write_text("key\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        main(["validity", str(out), "--judgements", str(tmp_path / "judged.csv")])
    assert snapshot(out) == before and read_table(out, "validity").empty


# --- one run at a time ---------------------------------------------------------------------------------------------

HOLD_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from workbench.outdir import OutputSession
with OutputSession({out!r}):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_run_into_the_same_folder_is_refused_with_the_first_ones_pid(corpus, tmp_path):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    before = snapshot(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT.format(root=str(PROJ_ROOT), out=str(out))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        (out / WB_DIR / "stage-of-the-other-run").mkdir()  # its temporary files
        proc = run_cli("annotate", corpus, "--out", out, "--quiet", "--corrections", "none")
        assert proc.returncode == EXIT_REFUSED
        assert f"being written by another workbench run (pid {holder.pid})" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert (out / WB_DIR / "stage-of-the-other-run").is_dir()  # not deleted by the refused run
        assert main(["analyze", str(out)]) == EXIT_REFUSED
        assert snapshot(out) == before
    finally:
        holder.communicate("", timeout=60)


def test_the_lock_of_a_killed_run_is_taken_over(corpus, tmp_path):
    out = tmp_path / "out"
    annotate_corpus(corpus, out, progress=False, corrections="none")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT.format(root=str(PROJ_ROOT), out=str(out))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=60)
    assert (out / WB_DIR / "lock").read_text().strip() == str(holder.pid)  # the dead run's lock file remains
    write_corpus(corpus, 1, start=2)
    assert cli(corpus, "--out", out) == EXIT_OK
    assert len(read_table(out, "articles")) == 3


# --- no worker outlives its run ------------------------------------------------------------------------------------

def _kill_mid_run(corpus: Path, out: Path, *extra: str) -> list[psutil.Process]:
    """Start a partitioned CLI run, kill -9 its driver once a partition is done -> the worker processes it had."""
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "annotate", str(corpus), "--out", str(out),
                             "--partition-size", "1", "--quiet", "--corrections", "none", *extra],
                            cwd=PROJ_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    markers = out / WB_DIR / "partitioned" / "_checkpoint"
    deadline = time.monotonic() + 240
    try:
        while not list(markers.glob("part-*.json")):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no partition finished in time"
            time.sleep(0.05)
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return workers


@pytest.mark.parametrize("mode", [("--workers", "2"), ("--workers", "2", "--scheduler", "local")],
                         ids=["pool", "dask-local"])
@pytest.mark.slow
def test_kill_9_of_a_partitioned_run_leaves_no_worker_and_the_previous_tables(tmp_path, mode):
    corpus, out = write_corpus(tmp_path / "corpus", 2), tmp_path / "out"
    assert cli(corpus, "--out", out) == EXIT_OK
    before = snapshot(out)
    write_corpus(corpus, 60, start=2)
    workers = _kill_mid_run(corpus, out, *mode)
    assert workers  # the run had started its workers
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, [p.pid for p in alive]
    assert snapshot(out) == before
    assert cli(corpus, "--out", out, "--partition-size", "1", *mode) == EXIT_OK  # resumes, then publishes
    assert len(read_table(out, "articles")) == 62


# --- an unreachable scheduler ---------------------------------------------------------------------------------------

def test_an_unreachable_scheduler_fails_fast_with_one_line(corpus, tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    proc = run_cli("annotate", corpus, "--out", tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{port}",
                   "--scheduler-timeout", "2", "--quiet", timeout=120)
    assert proc.returncode == EXIT_SCHEDULER
    assert proc.stderr.strip().splitlines() == [
        f"workbench annotate: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 2 s (OSError); "
        f"check the address or raise --scheduler-timeout"]
    assert time.monotonic() - start < 60  # imports + 2 s, on a loaded machine; distributed alone waits 30 s
    assert not (tmp_path / "out").exists()
