"""The `workbench` command: documented exit codes, summary, --raw evaluation."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import EXIT_INPUT_ERRORS, EXIT_NOTHING, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main

ARTICLE = "Storm hits coastal town\n\nThe storm hit the town on Monday, officials said.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return d


def cli(*args: str) -> int:
    return main(["annotate", *map(str, args), "--quiet", "--corrections", "none"])


def test_help_documents_every_exit_code():
    proc = subprocess.run([sys.executable, "-m", "workbench", "annotate", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    for code in ("0", "1", "2", "3", "4", "5"):
        assert f"\n  {code}  " in proc.stdout
    assert "--force" in proc.stdout and "--corrections" in proc.stdout and "--scheduler-timeout" in proc.stdout


def test_ok_run_prints_a_summary(corpus, tmp_path, capsys):
    assert cli(corpus, "--out", tmp_path / "out") == EXIT_OK
    text = capsys.readouterr().out
    assert "annotated 1 article(s)" in text and "0 input error(s)" in text and "blocks" in text


def test_input_errors_exit_1(corpus, tmp_path, capsys):
    (corpus / "bad.txt").write_bytes(b"\xff\xfe")
    assert cli(corpus, "--out", tmp_path / "out") == EXIT_INPUT_ERRORS
    assert "errors.parquet" in capsys.readouterr().out


def test_missing_corpus_exits_2(tmp_path, capsys):
    assert cli(tmp_path / "nope", "--out", tmp_path / "out") == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err


def test_unknown_pipeline_exits_2(corpus, tmp_path, capsys):
    assert cli(corpus, "--out", tmp_path / "out", "--pipeline", "no_such_model") == EXIT_USAGE


def test_foreign_folder_exits_3_and_force_overrides(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.csv").write_text("x", encoding="utf-8")
    assert cli(corpus, "--out", out) == EXIT_REFUSED
    assert "--force" in capsys.readouterr().err
    assert cli(corpus, "--out", out, "--force") == EXIT_OK


def test_nothing_readable_exits_4(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    assert cli(d, "--out", tmp_path / "out") == EXIT_NOTHING


def test_evaluate_raw_and_corrected(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    cli(corpus, "--out", out)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "blocks.jsonl").write_text('{"article_id": "a", "line_no": 1, "start": 0, "end": 23, "kind": "headline"}\n',
                                       encoding="utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(out), str(gold)]) == EXIT_OK
    assert main(["evaluate", str(out), str(gold), "--raw"]) == EXIT_OK
    both = capsys.readouterr().out
    assert both.count("block line accuracy: 1.000") == 2


def test_evaluate_on_a_missing_folder_exits_2(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    cli(corpus, "--out", out)
    assert main(["evaluate", str(tmp_path / "nope"), str(tmp_path)]) == EXIT_USAGE
    assert main(["evaluate", str(out), str(tmp_path / "no-gold")]) == EXIT_USAGE
    assert "is not a folder" in capsys.readouterr().err


def test_evaluate_says_what_a_folder_lacks(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    cli(corpus, "--out", out)
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "nope"), str(out)]) == EXIT_USAGE
    assert "nope is not a folder of annotation tables" in capsys.readouterr().err
    assert main(["evaluate", str(out), str(tmp_path / "nogold")]) == EXIT_USAGE
    assert "nogold holds no hand annotations" in capsys.readouterr().err
