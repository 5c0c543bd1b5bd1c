"""Every third-party module the package imports is declared in pyproject.toml (runtime, not only for tests)."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _canon(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(group: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_canon(re.match(r"[A-Za-z0-9_.-]+", r).group(0)) for r in reqs}


def _imported(folder: Path) -> dict[str, str]:
    """Top-level third-party modules imported anywhere under `folder` (also inside functions) -> a file importing."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "workbench":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_package_import_is_a_declared_runtime_dependency():
    dists = packages_distributions()
    declared = _declared()
    undeclared = {mod: where for mod, where in _imported(ROOT / "workbench").items()
                  if not {_canon(d) for d in dists.get(mod, [mod])} & declared}
    assert not undeclared, f"imported by workbench/ but not in [project] dependencies: {undeclared}"


def test_every_test_import_is_declared():
    dists = packages_distributions()
    declared = _declared() | _declared("test")
    # Modules of the project itself (tests import the benchmarks' synthetic corpus too).
    local = {p.stem for d in ("tests", "benchmarks") for p in (ROOT / d).rglob("*.py")} | {"tests"}
    undeclared = {mod: where for mod, where in _imported(ROOT / "tests").items()
                  if mod not in local and not {_canon(d) for d in dists.get(mod, [mod])} & declared}
    assert not undeclared, f"imported by tests/ but not declared: {undeclared}"


def test_the_scan_sees_imports_inside_functions(tmp_path, monkeypatch):
    # The check is only as good as its walk: a lazy import must count.
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "m.py").write_text("def f():\n    import scipy.stats\n    from rapidfuzz import fuzz\n")
    assert set(_imported(tmp_path)) == {"scipy", "rapidfuzz"}
