"""The numbered notebooks as a product: parameter cells, committed outputs free of run-to-run noise, and the
`python -m workbench.notebooks` runner (the outputs themselves are compared by nbval in the same test command)."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from workbench.config import NOTEBOOKS_DIR
from workbench.notebooks import inject_parameters, main, numbered_notebooks, parse_params, strip_volatile

NOTEBOOKS = numbered_notebooks()
REQUIRED_PARAMS = ("CORPUS", "META", "OUT", "PIPELINE")
# Text that would differ between machines or runs if it reached a committed output.
VOLATILE = re.compile(r"/tmp/|/home/|/root/|/work/|\b0x[0-9a-f]{6,}\b|\d+(\.\d+)? ?(ms|µs)\b|it/s\]")


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_the_first_two_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert "01-parse.ipynb" in names and "02-entities.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_a_parameters_cell(path):
    first = _code_cells(path)[0]
    assert "parameters" in first.metadata.get("tags", [])
    for name in REQUIRED_PARAMS:
        assert re.search(rf"^{name} = ", first.source, re.M), f"{name} missing from the parameters cell"


# 06 is about building tables (a partitioned run on a cluster), so it annotates by itself on purpose.
BUILDS_OWN_TABLES = {"06-scale.ipynb"}


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name not in BUILDS_OWN_TABLES], ids=lambda p: p.name)
def test_tables_are_ensured_right_after_the_parameters(path):
    assert "ensure_tables(" in _code_cells(path)[1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_hold_no_paths_or_timings(path):
    for cell in _code_cells(path):
        for out in cell.get("outputs", []):
            text = json.dumps({k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")})
            text += "".join(out.get("text", ""))
            assert not VOLATILE.search(text), f"volatile text in {path.name}: {VOLATILE.search(text).group()!r}"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in ("01", "02")], ids=lambda p: p.name)
def test_own_notebooks_are_committed_executed_and_clean(path):
    cells = _code_cells(path)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    assert all("execution" not in c.metadata for c in cells)
    assert "widgets" not in nbformat.read(path, as_version=4).metadata


def test_parse_params_reads_literals_and_strings(tmp_path):
    params = parse_params(["PIPELINE=rules", "N=3", "FLAG=True"], cwd=tmp_path)
    assert params == {"PIPELINE": "rules", "N": 3, "FLAG": True}


def test_parse_params_makes_path_parameters_absolute(tmp_path):
    assert parse_params(["CORPUS=my/corpus"], cwd=tmp_path) == {"CORPUS": str(tmp_path / "my" / "corpus")}


def test_parse_params_rejects_a_pair_without_equals():
    with pytest.raises(ValueError):
        parse_params(["CORPUS"])


def test_injected_parameters_follow_the_parameters_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("t"),
                                         nbformat.v4.new_code_cell("A = 1", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("print(A)")])
    out = inject_parameters(nb, {"A": 2})
    assert out.cells[2].metadata["tags"] == ["injected-parameters"]
    assert "A = 2" in out.cells[2].source
    assert len(nb.cells) == 3  # the input notebook is left alone


def test_strip_volatile_drops_timestamps_and_widget_state():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", metadata={"execution": {"iopub.status.idle": "2026-01-01T00:00:00Z"}})])
    nb.metadata["widgets"] = {"state": {}}
    nb = strip_volatile(nb)
    assert "execution" not in nb.cells[0].metadata and "widgets" not in nb.metadata


def test_runner_requires_a_destination(capsys):
    with pytest.raises(SystemExit):
        main(["--execute"])


@pytest.mark.slow
def test_runner_executes_a_notebook_on_another_corpus_without_touching_it(tmp_path):
    """A researcher's corpus through notebook 01 (rules pipeline): the copy has outputs, the original is unchanged."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x1.txt").write_text("Title line\n\nSome body text that says something.\n", encoding="utf-8")
    original = (NOTEBOOKS_DIR / "01-parse.ipynb").read_bytes()
    code = main(["--execute", "--out", str(tmp_path / "run"), "-p", f"CORPUS={corpus}", "-p", "META=None",
                 "-p", f"OUT={tmp_path / 'tables'}", "-p", "PIPELINE=rules", str(NOTEBOOKS_DIR / "01-parse.ipynb")])
    assert code == 0
    assert (NOTEBOOKS_DIR / "01-parse.ipynb").read_bytes() == original
    run = nbformat.read(tmp_path / "run" / "01-parse.ipynb", as_version=4)
    shown = json.dumps([c.get("outputs", []) for c in run.cells])
    assert "x1" in shown and "000_664f1b808dc5896f" not in shown


def test_in_place_runs_refuse_parameters():
    from workbench.notebooks import execute_all

    with pytest.raises(ValueError):
        execute_all(in_place=True, params={"CORPUS": "/elsewhere"})


def test_runner_reports_a_bad_parameter_as_usage_error(tmp_path, capsys):
    assert main(["--execute", "--out", str(tmp_path), "-p", "CORPUS"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_executed_copies_get_absolute_path_parameters():
    from workbench.notebooks import default_path_params

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'CORPUS = "../seeds"\nMETA = None\nOUT = "/abs/out"\nPIPELINE = "rules"', metadata={"tags": ["parameters"]})])
    found = default_path_params(nb, NOTEBOOKS_DIR)
    assert found == {"CORPUS": str((NOTEBOOKS_DIR / "../seeds").resolve())}


def test_scale_notebook_never_writes_to_out():
    source = "\n".join(c.source for c in _code_cells(NOTEBOOKS_DIR / "06-scale.ipynb")[1:])
    assert not re.search(r"\bOUT\b", re.sub(r"#.*", "", source))
