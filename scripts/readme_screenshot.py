"""Regenerate docs/screenshot.png: the Playground comparing both tiers, scratchpads revealed.

.venv/bin/python scripts/readme_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.browser_harness import chromium_browser, goto, running_app  # noqa: E402

TARGET = PROJECT_ROOT / "docs" / "screenshot.png"
PATH = "/playground?request=harm-violence-01&tier=free&reveal=true&compare=true"


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as data_dir,
        running_app(Path(data_dir)) as app,
        chromium_browser() as browser,
    ):
        page = browser.new_page(viewport={"width": 1500, "height": 1700})
        goto(page, app, PATH)
        page.wait_for_timeout(500)
        page.screenshot(path=str(TARGET))
    print(f"Saved {TARGET}")


if __name__ == "__main__":
    main()
