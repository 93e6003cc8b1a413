"""Every solution notebook in real JupyterLab, in headless Chromium, as a student sees it.

For each notebook: open it, run all cells, and require that the kernel
finishes, no error or stderr output appears, every plot renders (the images
load), every ipywidgets explorer renders, and moving each explorer's first
control redraws its output.  A full-height screenshot of each notebook goes to
``screenshots/`` (git-ignored) for a person to look at.

And the student's loop, on a student notebook built from 01: it opens with no
output and no execution count anywhere; a wrong answer typed into the first code
exercise makes its check cell show the checker's teaching message alone (no
traceback, no path into the library, a screenful at most).  Screenshots before
and after: ``screenshots/student-before.png``, ``student-after.png``.

The browser is Debian's ``chromium`` driven by PyPI's ``playwright`` (never
``playwright install``).  Without a browser the tests skip with one line, except
under CI (``CI=true``), where a missing browser is a failure: ``.ci/run``
installs it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tutorial_lib.authoring.build import student_notebook

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: How often the waits look at the page. Playwright's default is every animation frame, and
#: these predicates walk the whole notebook: 60 times a second that takes CPU from the kernel.
POLL_MS = 200
RUN_TIMEOUT_MS = 180_000  # a whole notebook; each runs in seconds alone, the margin is for a loaded machine

pytestmark = pytest.mark.browser

#: The notebook a student opens in the student-loop test.
STUDENT_NOTEBOOK = "01_logistic_warmup"

#: The notebooks go to two xdist groups (make test uses --dist loadgroup), alternately in file
#: order, which splits their run time about evenly: each of the two workers starts one
#: JupyterLab and one Chromium for its half, and neither half is left to run alone at the end.
BROWSER_GROUPS = 2


def _params():
    return [pytest.param(path, id=path.stem, marks=pytest.mark.xdist_group(f"browser-{i % BROWSER_GROUPS}"))
            for i, path in enumerate(SOLUTIONS)]


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[browser]')"
    return None


@pytest.fixture(scope="module")
def browser_available():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off"):
            pytest.fail(f"the browser test must run in CI, but {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings for a quiet, fully rendered JupyterLab."""
    settings = {
        # No news or update check (this machine has no internet).
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                          "checkForUpdates": False},
        # Start the notebook's own kernel without a "Select Kernel" dialog, and keep every cell
        # in the DOM so that all outputs can be counted and photographed.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True,
                                                                     "windowingMode": "none"},
    }
    for rel, value in settings.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@pytest.fixture(scope="module")
def lab(browser_available, tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over output-free copies of solutions/ (never the originals)."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    root.mkdir()
    for path in SOLUTIONS:
        # Without their saved outputs: every plot and widget the test counts must come from this
        # run, and the page opens faster without the solutions' stored images.
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, root / path.name)
        if path.stem == STUDENT_NOTEBOOK:
            # The student's notebook, built from the solution as `build` does.
            nbformat.write(student_notebook(nbformat.read(path, as_version=4), path), root / f"student_{path.name}")
    _write_lab_settings(tmp / "settings")
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               MPLCONFIGDIR=str(tmp / "matplotlib"), IPYTHONDIR=str(tmp / "ipython"))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; its log:\n{(tmp / 'server.log').read_text()}")
                time.sleep(0.25)
        yield {"base": base, "token": token, "root": root}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _expected(path: Path) -> dict:
    """What the saved solution shows: plots outside the explorers, and the cells holding explorers."""
    nb = nbformat.read(path, as_version=4)
    images, explorers = 0, 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any(WIDGET_MIME in out.get("data", {}) for out in cell.outputs):
            explorers += 1  # its plot lives in the widget's Output, not in the cell's outputs
        else:
            images += sum("image/png" in out.get("data", {}) for out in cell.outputs)
    return {"images": images, "explorers": explorers}


def _shutdown_kernels(lab) -> None:
    """Free the kernel of the notebook just tested (2 cores, many notebooks)."""
    url = f"{lab['base']}/api/sessions?token={lab['token']}"
    for session in json.load(urllib.request.urlopen(url, timeout=10)):
        req = urllib.request.Request(f"{lab['base']}/api/sessions/{session['id']}?token={lab['token']}",
                                     method="DELETE")
        urllib.request.urlopen(req, timeout=10)


_RUN_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = panel ? [...panel.querySelectorAll('.jp-CodeCell')] : [];
  const prompts = cells.map(c => { const p = c.querySelector('.jp-InputPrompt'); return p ? p.textContent : ''; });
  return {
    cells: cells.length,
    finished: prompts.filter(p => /\\[\\d+\\]/.test(p)).length,
    queued: prompts.map((p, i) => p.includes('*') ? i : -1).filter(i => i >= 0),
    errors: panel ? [...panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
                      .map(e => e.textContent.slice(0, 500)) : [],
    kernel: (document.querySelector('.jp-Notebook-ExecutionIndicator') || {dataset: {}}).dataset.status,
  };
}"""

# Run All has finished, or stopped at an error (JupyterLab runs no cell after one that raised).
_RUN_OVER = "() => { const s = (" + _RUN_STATE + ")(); return s.errors.length > 0 || (s.cells > 0 && s.finished === s.cells); }"
# Run All has been taken: cells are queued ([*]) or done.
_RUN_STARTED = "() => { const s = (" + _RUN_STATE + ")(); return s.queued.length > 0 || s.finished > 0; }"

_OUTPUT_STATE = """(panel) => {
  const imgs = [...panel.querySelectorAll('.jp-OutputArea-output img')];
  return {
    topImages: imgs.filter(i => !i.closest('.jupyter-widgets')).length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    stderr: [...panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
              .map(e => e.textContent.slice(0, 300)),
    widgetErrors: [...panel.querySelectorAll('.jp-OutputArea-output')]
              .filter(e => /Error displaying widget|Loading widget/.test(e.textContent)).length,
    widgetCells: [...panel.querySelectorAll('.jp-CodeCell')]
              .filter(c => c.querySelector('.jupyter-widgets')).length,
  };
}"""


def _move_first_control(page, explorer) -> None:
    """Change the explorer's first control the way a student would."""
    select = explorer.locator("select")
    slider = explorer.locator(".noUi-handle")
    checkbox = explorer.locator("input[type=checkbox]")
    if slider.count():
        slider.first.focus()
        page.keyboard.press("ArrowRight")
    elif select.count():
        options = select.first.locator("option").count()
        current = select.first.evaluate("s => s.selectedIndex")
        select.first.select_option(index=(current + 1) % options)
    elif checkbox.count():
        checkbox.first.click()
    else:
        raise AssertionError("explorer has no slider, dropdown or checkbox to move")


def _screenshot(page, name: str) -> None:
    """The whole notebook in one picture: grow the window to the notebook's height."""
    SCREENSHOTS.mkdir(exist_ok=True)
    height = page.evaluate(
        "() => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-inner');"
        " return p ? p.scrollHeight : 900; }")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 200, 30_000)})
    # Run All leaves the notebook scrolled to its end; the picture starts at the title.
    page.evaluate("() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')"
                  ".forEach(el => { el.scrollTop = 0; })")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


class _WidgetManagerWatch:
    """Notices when the notebook's ipywidgets manager has attached to the kernel.

    The manager announces itself by asking the kernel for its open ``jupyter.widget``
    comms (a ``comm_info_request`` on the kernel's websocket). Cells run before that
    moment show their widgets as plain text, as they would for a student who clicked
    "Run All" in the first second; waiting for the request itself is exact, where a
    fixed pause is too short on a loaded machine and wasted on an idle one.
    """

    def __init__(self, page):
        self.attached = False
        page.on("websocket", lambda ws: ws.on("framesent", self._on_frame))

    def _on_frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        if b"comm_info_request" in data and b"jupyter.widget" in data:
            self.attached = True

    def wait(self, page, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.attached:
            if time.monotonic() > deadline:
                raise AssertionError(f"the ipywidgets manager did not attach to the kernel within {timeout_s:g} s")
            page.wait_for_timeout(100)  # playwright delivers the websocket events while it waits


def _run_all(page) -> None:
    """Run > Run All Cells, and make sure JupyterLab took it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            # Queued cells show [*] at once, however busy the kernel is.
            page.wait_for_function(_RUN_STARTED, timeout=15_000, polling=POLL_MS)
            return
        except PlaywrightTimeout:
            pass  # the menu can close under the click while the page is still laying out: again
    raise AssertionError("Run > Run All Cells did not start any cell (clicked twice)")


def _wait_until_run_over(page, name: str) -> dict:
    """Wait for Run All to finish; on a timeout, say which cells were still queued."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_RUN_OVER, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)
    except PlaywrightTimeout:
        state = page.evaluate(_RUN_STATE)
        raise AssertionError(
            f"{name}: Run All did not finish in {RUN_TIMEOUT_MS / 1000:g} s: {state['finished']} of "
            f"{state['cells']} code cells ran, code cells still queued: {state['queued'][:5]}, "
            f"kernel status {state['kernel']!r}") from None
    state = page.evaluate(_RUN_STATE)
    assert state["errors"] == [], f"{name}: error or stderr output in the browser: {state['errors']}"
    return state


@pytest.mark.parametrize("path", _params())
def test_notebook_runs_and_renders_in_jupyterlab(lab, browser, path):
    expected = _expected(path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    widgets = _WidgetManagerWatch(page)
    try:
        # A workspace of its own ("reset"): otherwise JupyterLab reopens the previous notebook's tab.
        page.goto(f"{lab['base']}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={lab['token']}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        widgets.wait(page, timeout_s=60)
        _run_all(page)
        _wait_until_run_over(page, path.name)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=RUN_TIMEOUT_MS)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
        # Let images decode and widgets finish their first render.
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-OutputArea-output img')].every(i => i.complete)",
            timeout=30_000, polling=POLL_MS)
        if expected["explorers"]:
            # Widget views render asynchronously after their cell has finished.
            try:
                page.wait_for_function(
                    "n => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')]"
                    ".filter(c => c.querySelector('.jupyter-widgets')).length >= n",
                    arg=expected["explorers"], timeout=30_000, polling=POLL_MS)
            except Exception:
                pass  # the assertion below reports what did render
        state = panel.evaluate(_OUTPUT_STATE)
        assert state["stderr"] == [], f"{path.name}: error or stderr output in the browser: {state['stderr']}"
        assert state["brokenImages"] == 0, f"{path.name}: {state['brokenImages']} plots did not render"
        assert state["topImages"] >= expected["images"], (
            f"{path.name}: {state['topImages']} plots rendered outside the explorers, the saved notebook "
            f"has {expected['images']}")
        assert state["widgetErrors"] == 0, f"{path.name}: a widget failed to display"
        assert state["widgetCells"] >= expected["explorers"], (
            f"{path.name}: {state['widgetCells']} cells show widgets, {expected['explorers']} expected")

        explorers = panel.locator(".widget-interact")
        for i in range(explorers.count()):
            explorer = explorers.nth(i)
            explorer.scroll_into_view_if_needed()
            output = explorer.locator(".widget-output").last
            before = output.inner_html()
            _move_first_control(page, explorer)
            page.wait_for_function("([el, before]) => el.innerHTML !== before && el.innerHTML.length > 0",
                                   arg=[output.element_handle(), before], timeout=60_000, polling=POLL_MS)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    finally:
        _screenshot(page, path.stem)
        page.close()
        _shutdown_kernels(lab)


_CLEAN_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Cell')];
  return {
    withOutput: cells.map((c, i) => c.querySelector('.jp-OutputArea-output') ? i : -1).filter(i => i >= 0),
    passed: [...panel.querySelectorAll('.jp-OutputArea-output')].filter(o => /passed the public checks/.test(o.textContent)).length,
    counts: [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim())
              .filter(t => /\\d/.test(t)),
  };
}"""


@pytest.mark.xdist_group(f"browser-{len(SOLUTIONS) % BROWSER_GROUPS}")
def test_a_student_sees_a_clean_notebook_and_a_wrong_answer_gets_the_teaching_message_alone(lab, browser):
    from tutorial_lib.checks import nb01

    name = f"student_{STUDENT_NOTEBOOK}.ipynb"
    nb = nbformat.read(lab["root"] / name, as_version=4)
    record = nb.metadata["tutorial_lib"]
    exercise = next(e for e in record["exercises"] if "check" in record["exercise_cells"][e])
    ids = [cell.id for cell in nb.cells]
    answer = ids.index(record["exercise_cells"][exercise]["answer"])
    check = ids.index(record["exercise_cells"][exercise]["check"])
    mistake = next(m for m in nb01.PLANTED_MISTAKES if m["exercise"] == exercise)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{lab['base']}/lab/workspaces/student/tree/{name}?reset&token={lab['token']}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        before = page.evaluate(_CLEAN_STATE)
        _screenshot(page, "student-before")
        # No output, no count: only the markdown that shows the author's illustrations ahead of a run.
        assert before == {"withOutput": [], "passed": 0, "counts": []}, before

        cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
        editor = cells.nth(answer).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        assert "raise NotImplementedError()" in editor.inner_text()
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(mistake["source"])  # as pasted: no auto-indentation
        page.keyboard.press("Escape")
        _run_all(page)  # stops at the first error: this check cell
        page.wait_for_function(_RUN_OVER, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=RUN_TIMEOUT_MS)

        output = cells.nth(check).locator(".jp-OutputArea-output")
        output.first.scroll_into_view_if_needed()
        text = output.first.inner_text().strip()
        page.set_viewport_size({"width": 1280, "height": 900})
        cells.nth(answer).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "student-after.png"))
        (SCREENSHOTS / "student-after.txt").write_text(text + "\n")
        assert output.count() == 1, "the check shows one output: the message"
        assert text.startswith(f"Exercise {exercise}: ") and mistake["hint"] in text, text
        assert "Traceback" not in text and "tutorial_lib/" not in text and "File " not in text, text
        assert len(text.splitlines()) <= 12, text
        below = page.evaluate("(n) => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
                              ".jp-Cell')].slice(n + 1).filter(c => c.querySelector('.jp-OutputArea-output')).length",
                              check)
        assert below == 0, "Run All stops at the failing check"
    finally:
        page.close()
        _shutdown_kernels(lab)
