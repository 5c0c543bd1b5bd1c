"""A real JupyterLab in headless Chromium: run the framing notebook, change the outlet filter, see the table change;
run the validation notebook, judge five rows, restart the kernel, and find the five judgements still there; on a
synthetic corpus of a few hundred articles (rules pipeline), search an interactive table, drill down from a framing
cell to its sentences, and export.

The browser is Debian's /usr/bin/chromium (installed by scripts/ensure-chromium.sh from `make test`); Playwright
drives it and never downloads a browser. Everything started here (JupyterLab, its kernels, Chromium) is stopped at
the end, and every file lands in the test's temporary folder.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest

from workbench.config import METADATA_CSV, NOTEBOOKS_DIR, PROCESSED_DIR, SEEDS_DIR
from workbench.notebooks import inject_parameters

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
FRAMING_NOTEBOOK = NOTEBOOKS_DIR / "03-framing.ipynb"
VALIDATE_NOTEBOOK = NOTEBOOKS_DIR / "07-validate.ipynb"
TABLE = "table.wb-framing-table"
START_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 60_000
# The open notebook has a started, idle kernel and no dialog is pending.
KERNEL_READY = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !document.querySelector('.jp-Dialog') && !!kernel && kernel.status === 'idle';
}"""


def _require_chromium() -> None:
    """Skip LOUDLY when Debian's chromium is missing (only where apt is impossible; CI installs it)."""
    if CHROMIUM.exists():
        return
    msg = ("\n" + "!" * 78 + f"\n!! BROWSER TEST SKIPPED: {CHROMIUM} is missing. Install it with\n"
           "!!   apt-get install -y chromium chromium-driver   (make test does this via scripts/ensure-chromium.sh)\n"
           + "!" * 78)
    print(msg, file=sys.stderr)
    warnings.warn(msg, stacklevel=1)
    pytest.skip(msg)


@contextlib.contextmanager
def _browser_page(tmp_path: Path, viewport: dict | None = None) -> Iterator:
    """A page of headless Chromium; on failure a screenshot of what it showed goes to the test's folder."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport=viewport or {"width": 1400, "height": 1200})
            try:
                yield page
            except Exception:
                page.screenshot(path=str(tmp_path / "jupyterlab-failure.png"))
                print(f"screenshot of the failure: {tmp_path / 'jupyterlab-failure.png'}", file=sys.stderr)
                raise
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook_without_outputs(folder: Path, notebook: Path = FRAMING_NOTEBOOK, **params: object) -> Path:
    """Copy a notebook (outputs cleared, parameters pointed at the repository's seeds, plus `params`) into `folder`."""
    nb = nbformat.read(notebook, as_version=4)
    nb = inject_parameters(nb, {"CORPUS": str(SEEDS_DIR), "META": str(METADATA_CSV),
                                "OUT": str(PROCESSED_DIR / "seeds"), **params})
    nb.metadata.pop("widgets", None)  # saved widget state would render static copies of the explorer
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    path = folder / notebook.name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on 127.0.0.1 with a token, rooted in a temp folder -> (base URL with token, root)."""
    _require_chromium()
    root, home = tmp_path / "lab", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython")}
    # No "get notified about Jupyter news?" toast over the notebook.
    (home / "config" / "labconfig").mkdir(parents=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", "127.0.0.1", f"--port={port}",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--ServerApp.open_browser=False"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "w")
    server = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; see {tmp_path / 'jupyterlab.log'}") from None
                time.sleep(0.3)
        yield f"{base}/lab/tree/{{name}}?token={token}", root
    finally:
        _stop(server, base, token)
        log.close()


def _stop(server: subprocess.Popen, base: str, token: str) -> None:
    """Shut the server down through its API (which stops its kernels), then kill whatever it started."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    try:
        req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
        urllib.request.urlopen(req, timeout=5).read()
        server.wait(timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        server.kill()
        server.wait(timeout=5)
    assert server.poll() is not None, "JupyterLab still running"
    _, alive = psutil.wait_procs(children, timeout=5)
    for proc in alive:
        proc.kill()
    assert not [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], "processes left"


def _until(page, predicate_js: str, *, timeout_s: float = RUN_TIMEOUT_MS / 1000) -> None:
    """Wait until a JS predicate holds, accepting any dialog JupyterLab raises meanwhile ("Select Kernel")."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate_js):
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():
            accept.first.click()
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {predicate_js}")
        page.wait_for_timeout(250)


def _plot_src(page) -> str | None:
    """The data URL of the explorer's plot image (the image in the output that holds the table), if any."""
    return page.evaluate(
        """(sel) => {
            const t = document.querySelector(sel);
            const out = t && t.closest('.jp-OutputArea-output');
            const img = out && out.querySelector('img');
            return img ? img.src : null;
        }""",
        TABLE,
    )


def _outlets_in_table(page) -> list[str]:
    """The outlet column of the explorer's rendered table (column named `outlet`)."""
    return page.evaluate(
        """(sel) => {
            const t = document.querySelector(sel);
            if (!t) return null;
            const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const i = heads.indexOf('outlet');
            return [...t.querySelectorAll('tbody tr')].map(tr => tr.children[i].textContent.trim());
        }""",
        TABLE,
    )


def test_outlet_filter_updates_the_table_in_jupyterlab(jupyterlab, tmp_path):
    """Run all cells in JupyterLab, pick one outlet in "Outlets": the table then lists that outlet only."""
    url, root = jupyterlab
    notebook = _notebook_without_outputs(root)
    with _browser_page(tmp_path) as page:
        page.goto(url.format(name=notebook.name))
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                               timeout=RUN_TIMEOUT_MS)
        _until(page, KERNEL_READY)
        # Fire and forget: the command's promise can outlive the run, and page.evaluate has no timeout.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        _until(page, "() => [...document.querySelectorAll('.widget-select-multiple label')]"
                     ".some(l => l.textContent.trim() === 'Outlets')")
        select = (page.locator(".widget-select-multiple")
                  .filter(has=page.locator("label", has_text="Outlets")).locator("select"))
        select.wait_for(timeout=RUN_TIMEOUT_MS)
        page.wait_for_function(f"() => document.querySelector('{TABLE} tbody tr')", timeout=RUN_TIMEOUT_MS)
        before, plot_before = _outlets_in_table(page), _plot_src(page)
        options = select.locator("option").all_inner_texts()
        assert len(set(before)) >= 2, f"the unfiltered table should list several outlets: {before}"
        chosen = options[-1]
        select.select_option(label=chosen)
        page.wait_for_function(
            """([sel, chosen]) => {
                const t = document.querySelector(sel);
                const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
                const i = heads.indexOf('outlet');
                const rows = [...t.querySelectorAll('tbody tr')];
                return rows.length > 0 && rows.every(tr => tr.children[i].textContent.trim() === chosen);
            }""",
            arg=[TABLE, chosen], timeout=RUN_TIMEOUT_MS,
        )
        _until(page, KERNEL_READY)  # the plot is redrawn after the table
        after, plot_after = _outlets_in_table(page), _plot_src(page)
        explorer = page.locator(".jp-OutputArea-output").filter(has=page.locator(TABLE)).first
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "jupyterlab-outlet-filter.png"))
        explorer.screenshot(path=str(tmp_path / "explorer-widget.png"))
    assert set(after) == {chosen}
    assert len(after) < len(before)
    assert plot_before and plot_after != plot_before, "the plot did not change with the outlet filter"
    assert (tmp_path / "jupyterlab-outlet-filter.png").stat().st_size > 10_000


def _open_and_run_all(page, url: str, notebook: Path) -> None:
    page.goto(url.format(name=notebook.name))
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=RUN_TIMEOUT_MS)
    _until(page, KERNEL_READY)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


def _progress(page) -> str:
    return page.evaluate("() => { const p = document.querySelector('.wb-judging-progress'); "
                         "return p ? p.textContent.trim() : ''; }")


def _wait_progress(page, done: int) -> None:
    page.wait_for_function(
        "(done) => { const p = document.querySelector('.wb-judging-progress');"
        " return !!p && p.textContent.trim().startsWith(done + ' of '); }", arg=done, timeout=RUN_TIMEOUT_MS)


def _validity_table_row(page) -> dict[str, str] | None:
    """The whole-table row (level = table) of the rendered validity table, as {column: text}."""
    return page.evaluate(
        """() => {
            const box = [...document.querySelectorAll('div.wb-table')]
                .find(d => d.querySelector('b') && d.querySelector('b').textContent.trim() === 'validity');
            const t = box && box.querySelector('table');
            if (!t) return null;
            const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const row = [...t.querySelectorAll('tbody tr')]
                .map(tr => Object.fromEntries([...tr.children].map((td, i) => [heads[i], td.textContent.trim()])))
                .find(r => r.level === 'table');
            return row || null;
        }""")


def test_judgements_survive_a_kernel_restart_in_jupyterlab(jupyterlab, tmp_path):
    """Run 07, judge five rows (three buttons, two keys), restart the kernel, run again: five judged, in validity."""
    url, root = jupyterlab
    sheet = root / "judging" / "mentions.csv"
    notebook = _notebook_without_outputs(root, VALIDATE_NOTEBOOK, SHEET=str(sheet))
    with _browser_page(tmp_path) as page:
        _open_and_run_all(page, url, notebook)
        _wait_progress(page, 0)
        total = int(_progress(page).split(" of ")[1].split()[0])
        for k, name in enumerate(["correct", "wrong", "correct"], start=1):
            page.get_by_role("button", name=name, exact=True).click()
            _wait_progress(page, k)
        keys = page.locator(".widget-text").filter(has=page.locator("label", has_text="keys")).locator("input")
        for k, key in enumerate(["c", "w"], start=4):
            keys.click()
            keys.press(key)
            _wait_progress(page, k)
        page.screenshot(path=str(tmp_path / "jupyterlab-judged.png"))
        # restart: clear the old outputs, restart the kernel, run everything again
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
        page.wait_for_function("() => !document.querySelector('.wb-judging-progress')", timeout=RUN_TIMEOUT_MS)
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
        _until(page, KERNEL_READY)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        _wait_progress(page, 5)
        after_restart = _progress(page)
        page.wait_for_function("() => [...document.querySelectorAll('div.wb-table b')]"
                               ".some(b => b.textContent.trim() === 'validity')", timeout=RUN_TIMEOUT_MS)
        _until(page, KERNEL_READY)
        whole = _validity_table_row(page)
        page.screenshot(path=str(tmp_path / "jupyterlab-after-restart.png"))
    assert after_restart.startswith(f"5 of {total} judged")
    assert whole is not None, "the validity table has no whole-table row"
    assert (whole["judged"], whole["correct"], whole["wrong"]) == ("5", "3", "2")
    log = sheet.with_name("mentions.judgements.csv").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 + 5  # header + one line per judgement, appended as they were made


SYNTH_ARTICLES = 200  # "a few hundred": enough for paged tables and many cells; rules annotate it in about 10 s
SEARCH_BOX = ".dt-search input, .dataTables_filter input"


def _synthetic_corpus(folder: Path) -> Path:
    """A reproducible synthetic corpus (benchmarks/synth.py, built from the seeds but renamed) -> its JSONL path."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.pop(0)
    return synth.write_jsonl(folder / "corpus.jsonl", SYNTH_ARTICLES)


def _datatable_state(page) -> dict | None:
    """The first interactive table with more rows than one page: its info line and the visible rows' text."""
    return page.evaluate(
        """() => {
            for (const box of document.querySelectorAll('div.wb-table')) {
                const info = box.querySelector('.dt-info, .dataTables_info');
                const rows = [...box.querySelectorAll('table.dataTable tbody tr')].filter(r => r.offsetParent);
                const m = info && info.textContent.match(/of ([\\d,]+) entries/);
                if (m && rows.length && Number(m[1].replace(/,/g, '')) > rows.length) {
                    return {info: info.textContent.trim(), rows: rows.map(r => r.textContent.trim()),
                            first: rows[0].children[0].textContent.trim(),
                            index: [...document.querySelectorAll('div.wb-table')].indexOf(box)};
                }
            }
            return null;
        }""")


def _entries(info: str) -> int:
    """The number of rows an info line says the table holds after its search ("... of N entries ...")."""
    return int(info.split(" of ")[1].split()[0].replace(",", ""))


def test_search_drilldown_and_export_on_a_synthetic_corpus(jupyterlab, tmp_path):
    """On a few hundred articles (rules pipeline): a search narrows an interactive table, the explorer's "Cell"
    drills down to exactly that cell's designations, and Export writes the table and those sentences as CSV."""
    import pandas as pd
    url, root = jupyterlab
    corpus = _synthetic_corpus(tmp_path)
    notebook = _notebook_without_outputs(root, CORPUS=str(corpus), META=None, OUT=str(tmp_path / "out"),
                                         PIPELINE="rules")
    with _browser_page(tmp_path) as page:
        _open_and_run_all(page, url, notebook)
        cell = page.locator(".widget-dropdown").filter(has=page.locator("label", has_text="Cell")).locator("select")
        cell.wait_for(timeout=3 * RUN_TIMEOUT_MS)  # annotation of the corpus comes first
        _until(page, KERNEL_READY, timeout_s=3 * RUN_TIMEOUT_MS / 1000)
        # 1. search: type the first row's first cell into its table's search box
        before = _datatable_state(page)
        assert before is not None, "no interactive table with more rows than one page"
        box = page.locator("div.wb-table").nth(before["index"])
        box.locator(SEARCH_BOX).first.fill(before["first"])
        page.wait_for_function(
            "(i) => { const b = document.querySelectorAll('div.wb-table')[i];"
            " const info = b.querySelector('.dt-info, .dataTables_info');"
            " return info && /filtered/.test(info.textContent); }", arg=before["index"], timeout=RUN_TIMEOUT_MS)
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "jupyterlab-search.png"))
        after = page.evaluate(
            "(i) => { const b = document.querySelectorAll('div.wb-table')[i];"
            " return {info: b.querySelector('.dt-info, .dataTables_info').textContent.trim(),"
            " rows: [...b.querySelectorAll('table.dataTable tbody tr')].filter(r => r.offsetParent)"
            " .map(r => r.textContent.trim())}; }",
            before["index"])
        # 2. drill-down: choose the first non-empty cell, whose label ends with "(count/total)"
        # ipywidgets writes option labels with no-break spaces
        label = cell.evaluate("s => s.options[1].text").replace("\xa0", " ")
        cell.select_option(index=1)
        outlet, term = label.rsplit(" (", 1)[0].split(" · ")
        drill = page.locator(".jp-OutputArea-output").filter(has=cell).locator("div.wb-table").filter(
            has_text=f"{outlet} · ")
        drill.first.wait_for(timeout=RUN_TIMEOUT_MS)
        _until(page, KERNEL_READY)
        shown = drill.first.evaluate("d => (d.textContent.match(/\\(\\d+ rows\\)/) || [''])[0]")
        # 3. export into a folder of its own, next to the notebook
        page.locator(".widget-text").filter(has=page.locator("label", has_text="Export to")).locator(
            "input").fill("browser-export")
        page.get_by_role("button", name="Export", exact=True).click()
        page.wait_for_function("() => [...document.querySelectorAll('.widget-html-content small')]"
                               ".some(s => s.textContent.startsWith('exported'))", timeout=RUN_TIMEOUT_MS)
        drill.first.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "jupyterlab-drilldown-export.png"))
    # the search narrowed the table to rows holding the searched text
    assert 0 < _entries(after["info"]) < _entries(before["info"]), (before["info"], after["info"])
    assert after["rows"] and all(before["first"].lower() in r.lower() for r in after["rows"])
    # the drill-down lists exactly the cell's count of designations
    count = int(label.rsplit("(", 1)[1].split("/")[0])
    assert shown == f"({count} rows)", (label, shown)
    # the export holds the explorer's table and the drilled-down sentences
    folder = root / "browser-export"
    framing, sentences = pd.read_csv(folder / "framing.csv"), pd.read_csv(folder / "sentences.csv")
    assert len(sentences) == count
    assert set(sentences["outlet"]) == {outlet}
    assert framing.loc[(framing["outlet"] == outlet) & (framing["term"] == term), "count"].tolist() == [count]
    assert (folder / "heatmap.png").stat().st_size > 1000 and (folder / "heatmap.svg").stat().st_size > 1000
    assert (tmp_path / "jupyterlab-search.png").stat().st_size > 10_000
