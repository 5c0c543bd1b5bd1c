"""The built wheel works outside the checkout: installed elsewhere, it annotates the seeds from another folder."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("articles", "blocks", "sentences", "mentions", "entities", "quotes", "figures", "timex")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from the checkout, installed into a folder of its own -> that folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp / "dist")],
                   check=True, cwd=tmp, capture_output=True)
    (wheel,) = (tmp / "dist").glob("*.whl")
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, cwd=tmp, capture_output=True)
    return target


def _run(args: list[str], target: Path, cwd: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH puts the installed copy before the checkout's editable install; cwd keeps the checkout off sys.path.
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_wheel_ships_the_vocabularies_and_nothing_of_the_checkout(installed):
    (wheel,) = (installed.parent / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("/")[-1] for n in names if n.startswith("workbench/vocab/")}
    wanted = {p.name for p in (ROOT / "data").iterdir() if p.suffix in (".yaml", ".csv", ".json", ".txt") and p.name != "metadata.csv"}
    assert wanted and wanted <= shipped
    assert not [n for n in names if "gold-dev" in n or "corrections/" in n or "judgements" in n
                or n.endswith("metadata.csv")]


@pytest.mark.slow
def test_installed_wheel_annotates_the_seeds_from_another_folder(installed, tmp_path, seeds_dir, seeds_rules):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(["-c", "import workbench, workbench.config as c; print(workbench.__file__); print(c.VOCAB_DIR)"],
                 installed, elsewhere)
    assert where.returncode == 0, where.stderr
    module_file, vocab_dir = (Path(line) for line in where.stdout.split())
    assert module_file.is_relative_to(installed) and vocab_dir.is_relative_to(installed)

    done = _run(["-m", "workbench", "annotate", str(seeds_dir), "--out", "out", "--pipeline", "rules", "--quiet",
                 "--meta", str(ROOT / "data" / "metadata.csv"), "--corrections", "none"],
                installed, elsewhere)
    assert done.returncode == 0, done.stderr
    for table in TABLES:  # the same tables as the checkout makes
        got = pd.read_parquet(elsewhere / "out" / f"{table}.parquet")
        want = pd.read_parquet(seeds_rules / f"{table}.parquet")
        assert len(got) > 0
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.slow
def test_installed_wheel_fingerprints_its_vocabularies(installed, tmp_path, seeds_dir):
    # A run's inputs hash covers the vocabularies the installed copy reads: an edit there makes tables stale.
    code = ("import sys, workbench.config as c, workbench.fingerprint as f; a = f.inputs_fingerprint(sys.argv[1]); "
            "p = c.VOCAB_DIR / 'reuse.yaml'; p.write_text(p.read_text() + '\\n# edited\\n'); "
            "print(a != f.inputs_fingerprint(sys.argv[1]))")
    done = _run(["-c", code, str(seeds_dir)], installed, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
