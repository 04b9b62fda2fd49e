"""Twenty visitors each load the largest file one visitor's share allows, then leave: the public
server's memory at the start, with all of them loaded, and after they have gone.

The app runs in public mode (`streamlit run`), each visitor a headless-Chromium context that
uploads a JSONL file of valid transcripts just under `deployment.visitor_data_cap()` (the
owner's AFLAB_VISITOR_DATA_MB, 32 MB by default) through the sidebar, and waits until it is
loaded. Then every context closes; once Streamlit has ended their sessions (after
`server.disconnectedSessionTTL`, set short here) and the app's sweeper has released what they
held, and one more visitor has used the app (read after the next sweep), the server's resident
memory is read again. Target: back within 10% of the start, which is read once a first visitor
has loaded a small file and opened Results (what every server has done after its first use).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common import parser

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.public.deployment import VISITOR_DATA_DEFAULT_MB
from alignment_faking_lab.ui.visitor_space import SWEEP_EVERY_S
from tests.browser_harness import chromium_browser, goto, running_app, wait_idle

SESSION_TTL_S = 5


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def largest_allowed_file(folder: Path, megabytes: float) -> Path:
    """Valid transcripts (the illustrative ones with new ids) up to just under the share."""
    path = folder / "largest.jsonl"
    budget = int(megabytes * 1024 * 1024 * 0.98)
    base = load_illustrative()
    written = 0
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while written < budget:
            line = dumps(replace(base[n % len(base)], id=f"bench-{n}")) + "\n"
            if written + len(line.encode()) > budget:
                break
            out.write(line)
            written += len(line.encode())
            n += 1
    return path


def small_file(folder: Path, large: Path) -> Path:
    """The first 50 transcripts of `large`."""
    path = folder / "small.jsonl"
    with large.open(encoding="utf-8") as lines:
        path.write_text("".join(line for _, line in zip(range(50), lines, strict=False)))
    return path


def upload_file(page, path: Path) -> None:
    """Loads `path` through the sidebar's upload, as a visitor does, and waits until it is in."""
    page.get_by_text("Load your own transcripts (JSONL)").click()
    page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(str(path))
    page.get_by_text(f"{path.name}:").first.wait_for()
    wait_idle(page, 300_000)


def main() -> None:
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--visitors", type=int, default=20)
    options = args.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="aflab-bench-uploads-"))
    upload = largest_allowed_file(folder, VISITOR_DATA_DEFAULT_MB)
    env = {"AFLAB_MODE": "public",
           "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)}  # fmt: skip
    (folder / "data").mkdir()
    with running_app(folder / "data", env) as app, chromium_browser() as browser:
        # The start: a first visitor has loaded a small file and opened Results, so the server
        # has imported and prepared what every visitor's pages use (shared, kept by design).
        first = browser.new_page()
        goto(first, app, "/transcripts")
        upload_file(first, small_file(folder, upload))
        goto(first, app, "/results")
        first.close()
        start = rss_mb(app.process.pid)
        contexts = []
        for _ in range(options.visitors):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(300_000)
            goto(page, app, "/transcripts")
            upload_file(page, upload)
            contexts.append(context)
        loaded = rss_mb(app.process.pid)
        for context in contexts:
            context.close()
        # Streamlit lets a closed session go after its TTL; the app's sweeper (every minute)
        # notes it ended at one sweep and empties what the visitor held at a sweep at least
        # TTL + 30 s later (`visitor_space.sweep`): up to two sweeps.
        time.sleep(SESSION_TTL_S + 30 + 2 * SWEEP_EVERY_S + 15)
        later = browser.new_page()  # one more visitor: the server runs pages again
        goto(later, app, "/transcripts")
        later.close()
        time.sleep(SESSION_TTL_S + SWEEP_EVERY_S + 5)  # the visit over, and a sweep after it
        left = rss_mb(app.process.pid)
    print(f"file per visitor: {upload.stat().st_size / 2**20:.1f} MB (share "
          f"{VISITOR_DATA_DEFAULT_MB} MB), visitors: {options.visitors}")  # fmt: skip
    print(f"server memory at start:           {start:8.0f} MB")
    print(f"with every visitor's file loaded: {loaded:8.0f} MB")
    print(f"after they left:                  {left:8.0f} MB "
          f"({(left - start) / start:+.0%} of the start; target within 10%)")  # fmt: skip
    sys.exit(0)


if __name__ == "__main__":
    main()
