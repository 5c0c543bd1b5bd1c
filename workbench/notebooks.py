"""Execute the numbered notebooks: copies into an output folder (`make run`), or in place to refresh committed outputs.

    python -m workbench.notebooks --execute --out data/processed/notebooks [-p CORPUS=my/corpus -p OUT=my/tables]
    python -m workbench.notebooks --execute --in-place          # maintainers: refresh the committed outputs

Parameters override the notebook's `parameters` cell the papermill way: a cell tagged `injected-parameters` is
inserted after it. Kernels run with `notebooks/` as working directory, so the notebooks' relative defaults hold;
path parameters (CORPUS, META, OUT) given on the command line are made absolute first.
"""
from __future__ import annotations

import argparse
import ast
import copy
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from .config import NOTEBOOKS_DIR

PATH_PARAMS = ("CORPUS", "META", "OUT", "SHEET")
TIMEOUT_S = 300


class _ThisEnvironmentKernels(KernelSpecManager):
    """Every kernel name resolves to IPython in this very environment (as nbval's --nbval-current-env does), so a
    user-level `python3` kernelspec pointing at another Python can never run the notebooks."""

    def get_kernel_spec(self, kernel_name: str):
        return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                      **ipykernel.kernelspec.get_kernel_dict())


def numbered_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (`NN-name.ipynb`) of a folder, in order -> paths."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]-*.ipynb") if p.is_file())


def parse_params(pairs: Sequence[str], *, cwd: Path | None = None) -> dict[str, object]:
    """`NAME=VALUE` strings -> {NAME: value}; values are Python literals when they parse, else strings.

    Raises:
        ValueError: a pair without `=`.
    """
    cwd = cwd or Path.cwd()
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.isidentifier():
            raise ValueError(f"parameter {pair!r} is not NAME=VALUE")
        try:
            value: object = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        if name in PATH_PARAMS and isinstance(value, str):
            value = str((cwd / value).resolve())
        params[name] = value
    return params


def inject_parameters(nb: nbformat.NotebookNode, params: Mapping[str, object]) -> nbformat.NotebookNode:
    """A notebook and parameters -> a copy with an `injected-parameters` cell after the `parameters` cell."""
    nb = copy.deepcopy(nb)
    if not params:
        return nb
    source = "# Parameters injected by workbench.notebooks\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    return nb


def default_path_params(nb: nbformat.NotebookNode, cwd: Path = NOTEBOOKS_DIR) -> dict[str, str]:
    """The relative path parameters of a notebook's `parameters` cell, made absolute against `cwd` -> {NAME: path}.

    An executed copy written elsewhere (`make run`) gets them injected, so it opens and re-runs from its own folder.
    """
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        return {}
    found = {}
    for node in ast.parse(tagged[0].source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in PATH_PARAMS and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str) and not Path(node.value.value).is_absolute()):
            found[node.targets[0].id] = str((cwd / node.value.value).resolve())
    return found


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop per-run metadata (timestamps, saved widget state with random model ids) so re-runs leave files unchanged."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop("ExecuteTime", None)
    return nb


def execute_notebook(path: str | Path, *, params: Mapping[str, object] | None = None,
                     cwd: str | Path = NOTEBOOKS_DIR, timeout: int = TIMEOUT_S) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel of this environment -> the executed notebook.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised.
    """
    nb = nbformat.read(path, as_version=4)
    nb = inject_parameters(nb, params or {})
    km = KernelManager(kernel_name="python3", kernel_spec_manager=_ThisEnvironmentKernels())
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=False,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:  # nbclient leaves a kernel manager it was given running
        if km.has_kernel:
            km.shutdown_kernel(now=False)
    return strip_volatile(nb)


def execute_all(*, out: str | Path | None = None, in_place: bool = False, params: Mapping[str, object] | None = None,
                notebooks: Sequence[str | Path] | None = None, progress: bool = False) -> list[Path]:
    """Execute the numbered notebooks, writing each into `out` (or over itself with `in_place`) -> paths written.

    Copies written into `out` get their relative path parameters injected as absolute paths, so they can be
    opened and re-run there (`make lab`). With `progress`, one line per notebook goes to stderr as it finishes.
    """
    if (out is None) == (not in_place):
        raise ValueError("give exactly one of out= or in_place=True")
    if in_place and params:
        raise ValueError("in-place runs use the notebooks' own parameters (committed outputs are for the seeds)")
    written = []
    paths = [Path(p) for p in notebooks] if notebooks else numbered_notebooks()
    for i, path in enumerate(paths, 1):
        if progress:
            print(f"[{i}/{len(paths)}] {path.name} ...", end=" ", file=sys.stderr, flush=True)
        started = time.perf_counter()
        run_params = dict(params or {})
        if not in_place:
            run_params = {**default_path_params(nbformat.read(path, as_version=4), path.parent.resolve()),
                          **run_params}
        nb = execute_notebook(path, params=run_params)
        if progress:
            print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        target = path if in_place else Path(out) / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point -> exit code (0 ok, 1 a notebook failed, 2 usage error)."""
    parser = argparse.ArgumentParser(prog="python -m workbench.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: every notebooks/NN-*.ipynb)")
    parser.add_argument("--execute", action="store_true", help="execute the notebooks (required)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="folder for the executed copies (committed notebooks untouched)")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks with fresh outputs")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter of the `parameters` cell (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress line per notebook")
    args = parser.parse_args(argv)
    if not args.execute:
        parser.error("nothing to do: pass --execute")
    try:
        params = parse_params(args.param)
        paths = execute_all(out=args.out, in_place=args.in_place, params=params, notebooks=args.notebooks,
                            progress=not args.quiet)
    except ValueError as exc:
        print(f"workbench.notebooks: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a failing cell: report which notebook, keep the traceback short
        tail = "\n".join(str(exc).splitlines()[-20:])
        print(f"workbench.notebooks: a notebook failed:\n{tail}", file=sys.stderr)
        return 1
    for p in paths:
        print(f"executed {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
