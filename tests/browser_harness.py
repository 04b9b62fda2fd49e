"""Run the real app with `streamlit run` and drive it in Debian's headless Chromium.

Chromium is never downloaded (no network here): Playwright drives /usr/bin/chromium through
`executable_path`. A missing browser fails the tests with the command that installs it; it is
never skipped, so CI cannot pass without actually running them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


class BrowserMissing(RuntimeError):
    pass


def find_chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise BrowserMissing(
        "Debian's chromium is needed for the browser tests: run `bash scripts/test.sh` (it "
        "installs it), or `sudo apt-get install -y chromium`."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_app(
    data_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 60,
    entry: Path = PROJECT_ROOT / "app.py",
    secrets_file: Path | None = None,
) -> Iterator[RunningApp]:
    """`streamlit run app.py` (or another entry script) on a free loopback port; its output is
    shown if startup fails. `secrets_file` replaces the places Streamlit reads secrets from (its
    `secrets.files` option), so a test's secrets never go near the project's .streamlit folder."""
    port = free_port()
    env = {**os.environ, "AFLAB_DATA_DIR": str(data_dir), **(extra_env or {})}
    log_path = data_dir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", entry.name,
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    if secrets_file is not None:
        command += ["--secrets.files", str(secrets_file)]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=entry.parent, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    app = RunningApp(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(app.url + "/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{app.log()}")
            time.sleep(0.2)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


EXPECT_TIMEOUT_MS = 20_000  # an expect() waits this long; it only matters when a test fails


@contextmanager
def chromium_browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # Playwright's default of 5 s ran out on a loaded CI machine while a rerun was still coming.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script after the last interaction."""
    page.wait_for_timeout(150)  # let a just-triggered rerun start before we look
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSpinner\"]')", timeout=timeout_ms
    )


# Counts the script runs a tab has seen start (installed on first use, again after navigation).
RUN_COUNTER_JS = """() => {
  if (window.__aflabRuns === undefined) {
    window.__aflabRuns = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.target.getAttribute("data-test-script-state") === "running") {
          window.__aflabRuns += 1;
        }
      }
    }).observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ["data-test-script-state"],
    });
  }
  return window.__aflabRuns;
}"""


def act_and_settle(page, action: Callable[[], object], start_within_ms: int = 8_000,
                   timeout_ms: int = 60_000) -> None:  # fmt: skip
    """Do `action`, then wait for the script run it starts to finish. `wait_idle` alone can
    look before a loaded server has started that run, and the next step then lands in the
    middle of it (with two test processes sharing two cores, a run can start seconds after the
    click); an action that changes nothing (the same text entered again) starts no run, so
    after `start_within_ms` without one this goes on."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate(RUN_COUNTER_JS)
    action()
    with suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => (window.__aflabRuns ?? 0) > {before}",
                               timeout=start_within_ms)  # fmt: skip
    wait_idle(page, timeout_ms)


def sidebar_field(page, name: str, value: str) -> None:
    """Type into a sidebar text box and press Enter, as a visitor does, and let the run end."""
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name=name, exact=True)
    box.fill(value)
    act_and_settle(page, lambda: box.press("Enter"))


def click_button(page, name: str) -> None:
    """Press the first button of this name and let the run it starts end."""
    act_and_settle(page, page.get_by_role("button", name=name, exact=True).first.click)


def goto(page, app: RunningApp, path: str = "/") -> None:
    page.goto(app.url + path)
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    wait_idle(page)


def screenshot(page, name: str, directory: Path = SCREENSHOTS) -> Path:
    """Save a PNG; waits for plotly charts to finish drawing first."""
    directory.mkdir(parents=True, exist_ok=True)
    if page.locator("[data-testid='stPlotlyChart']").count():
        page.wait_for_selector(".main-svg", timeout=20_000)
        page.wait_for_timeout(500)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE_JS = PROJECT_ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
# Rules whose failures a visitor notices: everything axe rates critical or serious, plus
# headings that skip a level (moderate in axe, but it breaks a screen reader's outline).
AXE_ALSO_FAIL = {"heading-order"}


def axe_violations(page) -> list[str]:
    """Run axe-core (installed from npm by scripts/test.sh) in the page; one line per failing
    element of a critical or serious rule, or a heading-order rule."""
    if not AXE_JS.exists():
        raise BrowserMissing(
            "axe-core is needed for the accessibility checks: run `bash scripts/test.sh` (it "
            "runs `npm ci --prefix tests`)."
        )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """async () => (await axe.run(document, {
              resultTypes: ['violations'],
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                              'wcag22aa', 'best-practice']},
            })).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' +
                          ((n.any[0] || n.all[0] || n.none[0] || {}).message || ''))}))"""
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {node}"
        for v in results
        if v["impact"] in ("critical", "serious") or v["id"] in AXE_ALSO_FAIL
        for node in v["nodes"]
    ]
