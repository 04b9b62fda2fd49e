"""Shared test setup: user data goes to a temporary folder, never into the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test writes runs, caches and downloads under its own temporary folder, in local
    mode unless it asks for public mode."""
    data_dir = tmp_path_factory.mktemp("aflab-data")
    monkeypatch.setenv("AFLAB_DATA_DIR", str(data_dir))
    # AppTest sets no server address, which counts as public: tests of public mode say so.
    monkeypatch.setenv("AFLAB_MODE", "local")
    for name in (
        "AFLAB_ACCESS_CODE",
        "AFLAB_CLASSROOM",
        "AFLAB_PAPER_BASE_URL",
        "AFLAB_OWNER_MODELS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return data_dir


# The browser tests' shared fixtures. A module defines `data_dir` (what its server shows) and
# gets a server on it (`app`), one Chromium (`browser`) and a fresh tab per test (`page`); a
# module may define its own instead.
@pytest.fixture(scope="module")
def app(data_dir):
    from tests.browser_harness import running_app

    with running_app(data_dir) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from tests.browser_harness import chromium_browser

    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed browser test shows the end of its Streamlit server's log beside what the
    browser showed, so an error on the server side is in the CI output too."""
    outcome = yield
    report = outcome.get_result()
    running = getattr(item, "funcargs", {}).get("app")
    if report.failed and hasattr(running, "log"):
        tail = "\n".join(running.log().splitlines()[-80:])
        report.sections.append(("Streamlit server log (last 80 lines)", tail))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run one after another in one process (`--dist loadgroup`), as they
    were written to, while the other tests run beside them in the second: two browser tests
    at once on two cores made the class-session test miss its buttons."""
    for item in items:
        drives_a_browser = item.path.name.startswith("test_browser") or item.path.name in (
            "test_chart_export.py",
        )
        if drives_a_browser or item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
