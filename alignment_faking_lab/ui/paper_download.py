"""The Paper transcripts page's sections: where the transcripts come from, choosing a published
setting, downloading and importing it, and importing the bulk archive.

The fetching, checking and importing are `paper.site` and `paper.archive`; this only lays them
out and says how they went.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from alignment_faking_lab.paper.archive import import_and_save
from alignment_faking_lab.paper.html_pages import PaperPageError, PaperSetting
from alignment_faking_lab.paper.settings import HEADLINE, UNKNOWN_NOTE, describe, named_settings
from alignment_faking_lab.paper.site import (
    DEFAULT_BASE_URL,
    PAPER_SITE_SETTING,
    FetchError,
    OfflineError,
    PaperSite,
)
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.data import over_room, select_source, visitor_room
from alignment_faking_lab.ui.text import escape_markdown

DOWNLOADING_KEY = "aflab_paper_downloading"
RETRY_KEY = "aflab_paper_retry"
START_KEY = "aflab_paper_start"  # the headline button: download at once


def choose_site() -> PaperSite:
    """The transcript site: the owner's or the official one; only a local user may type another
    (on a public server imports are shared by every visitor, so they come from that site only)."""
    official_url = deployment.owner_setting(PAPER_SITE_SETTING) or DEFAULT_BASE_URL
    with st.expander("Where the data comes from", expanded=False):
        if deployment.is_public():
            base_url = official_url
            st.markdown(f"Transcript site: `{escape_markdown(base_url)}`")
        else:
            base_url = st.text_input("Transcript site", official_url, key="paper_base_url")
        st.caption(
            "The published transcript site of arXiv:2412.14093 (Anthropic and Redwood Research). "
            "Transcripts carry canary strings meant to keep them out of training data; they are "
            "kept."
        )
    return PaperSite(base_url)


def headline_button() -> None:
    """One click fetches the headline setting: it is chosen, and the download starts with the
    pairs and speed set below."""
    named = describe(HEADLINE)
    assert named.info is not None
    st.markdown(f"**★ {escape_markdown(named.info.name)}** ({named.info.section}): "
                f"{escape_markdown(named.info.sentence)}")  # fmt: skip
    st.caption(escape_markdown(named.figure))
    if st.button("Fetch the headline setting", type="primary", icon="⭐", key="fetch_headline"):
        st.session_state["setting_typed"] = HEADLINE.key
        st.session_state["paper_setting_pick"] = None  # the list's choice would win over it
        st.session_state[START_KEY] = True


def choose_setting(site: PaperSite) -> str:
    """A published setting as `category/variant`: the headline in one click, typed, or picked
    by name from the site's list once fetched."""
    headline_button()
    if st.button("Fetch the list of published settings", icon="🌐", key="fetch_settings"):
        try:
            named = named_settings(site.list_settings())
            st.session_state["paper_settings"] = [n.key for n in named]
            st.session_state["paper_setting_labels"] = {n.key: n.label() for n in named}
            if named and not st.session_state.get("setting_typed"):
                st.session_state["setting_typed"] = named[0].key
        except (OfflineError, FetchError, PaperPageError) as exc:
            st.error(
                escape_markdown(f"The list of settings could not be read: {exc}")
                + "  \nPress **Fetch the list of published settings** again to try again.",
                icon="📡",
            )
    settings = st.session_state.get("paper_settings", [])
    labels = st.session_state.get("paper_setting_labels", {})
    typed = st.text_input(
        "Setting (category/variant)",
        placeholder="e.g. animal_welfare/default",
        help="Pick from the fetched list below, or type one you know.",
        key="setting_typed",
    )
    chosen = (
        st.selectbox("Published settings", settings, index=None,
                     format_func=lambda key: labels.get(key, key), key="paper_setting_pick")
        if settings else None
    )  # fmt: skip
    key = chosen or typed
    category, _, variant = key.partition("/")
    if variant:
        named = describe(PaperSetting(category, variant))
        if named.info is not None and not named.is_headline:
            st.caption(escape_markdown(f"{named.info.name} ({named.info.section}): "
                                       f"{named.info.sentence} {named.figure}"))  # fmt: skip
        elif named.info is None:
            st.caption(escape_markdown(f"{key}: {UNKNOWN_NOTE}."))
    return key


def _retry() -> None:
    st.session_state[RETRY_KEY] = True


def download_section(site: PaperSite, setting_key: str) -> None:
    """How many pairs, Download and Cancel; then the download with its progress, what failed
    (with a retry), and the imported setting chosen in the sidebar."""
    columns = st.columns([2, 2, 1, 1])
    first_n = columns[0].number_input(
        "Pairs (free + paid) to fetch; 0 = all", 0, 100_000, 20, key="first_n"
    )
    concurrency = columns[1].number_input("Downloads at once", 1, 16, 6)
    clicked = columns[2].button(
        "Download", type="primary", disabled="/" not in setting_key, icon="⬇️", key="download"
    )
    # Any click while a download runs stops this script run, and with it the download (its pages
    # stop at the next chunk); the button is there so that stopping is one obvious click.
    columns[3].button(
        "Cancel", key="download_cancel", help="Stops the download; fetched pages are kept."
    )
    if st.session_state.pop(DOWNLOADING_KEY, False):
        st.info("Download stopped. The pages already fetched are kept: Download resumes it.")
    again = st.session_state.pop(RETRY_KEY, False) or st.session_state.pop(START_KEY, False)
    if (clicked or again) and "/" in setting_key:
        try:  # only a name the site's own index lists (never a path a visitor made up)
            setting = site.listed_setting(setting_key)
        except (OfflineError, FetchError, PaperPageError) as exc:
            st.error(escape_markdown(str(exc)), icon="📡")
            return
        _download(site, setting, first_n or None, int(concurrency))


def _download(site: PaperSite, setting: PaperSetting, first_n: int | None, at_once: int) -> None:
    bar = st.progress(0.0, text="Fetching the list of transcripts…")

    def show(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{done} of {total} pages")

    st.session_state[DOWNLOADING_KEY] = True
    try:
        report = site.download(setting, first_n, at_once, show, threading.Event())
        errors, saved = site.save_setting(setting, first_n)
    except (OfflineError, FetchError, PaperPageError) as exc:
        bar.empty()
        st.error(escape_markdown(f"{setting.key}: {exc}"), icon="📡")
        st.button("Try again", key="download_retry", on_click=_retry)
    else:
        bar.empty()
        (st.success if not report.failed else st.warning)(escape_markdown(report.summary()))
        problems = [f"{file}: {reason}" for file, reason in report.failed] + errors
        if problems:
            st.code("\n".join(problems[:50]), language=None, wrap_lines=True)
        if report.failed:
            st.button("Try the failed ones again", key="download_retry", on_click=_retry)
        if saved:
            select_source(f"paper:{saved.stem}")
            st.info(
                f"Imported into the app: {escape_markdown(saved.name)}. Open the Playground to "
                "replay pairs."
            )
    finally:
        st.session_state.pop(DOWNLOADING_KEY, None)


def archive_import() -> None:
    """The bulk archive: uploaded and imported for this visitor alone on a public server, read
    from a path on the server in local mode."""
    with st.expander("…or import the bulk archive you downloaded (json_outputs, zip or folder)"):
        if deployment.is_public():
            archive = st.file_uploader("The archive (zip)", type=["zip"], key="archive_upload")
            st.caption("Imported for you alone, for this browser session.")
            archive_path = None
            if archive is not None and st.button("Import archive", key="archive_import"):
                if problem := over_room(archive.name, archive.size):
                    st.error(escape_markdown(problem))
                else:
                    folder = visitor_space.data_root() / "uploads"
                    folder.mkdir(parents=True, exist_ok=True)
                    archive_path = folder / "archive.zip"
                    archive_path.write_bytes(archive.getvalue())
            destination, prefix = visitor_space.data_root(), "my-paper"
        else:
            typed = st.text_input("Path on this server", placeholder="~/Downloads/json_outputs.zip")
            import_clicked = st.button("Import archive", disabled=not typed, key="archive_import")
            archive_path = Path(typed).expanduser() if import_clicked else None
            destination, prefix = None, "paper"
        if archive_path is not None:
            _import_archive(archive_path, destination, prefix)


def _import_archive(archive_path: Path, destination: Path | None, prefix: str) -> None:
    """Imports the archive; on a public server within the visitor's room (what the uploaded
    zip leaves of it), and the zip is deleted afterwards (its transcripts are kept)."""
    uploaded = destination is not None
    room = visitor_room()
    try:
        with st.spinner("Importing the archive…"):
            result, saved_paths = import_and_save(
                archive_path, data_dir=destination, max_total_bytes=room
            )
    except (OSError, ValueError) as exc:
        st.error(escape_markdown(f"Could not import {archive_path.name}: {exc}"))
    else:
        st.success(f"Imported {result.count} transcripts into {len(saved_paths)} setting(s).")
        for saved_path in saved_paths:
            select_source(f"{prefix}:{saved_path.stem}")
        if result.errors:
            st.warning(f"{len(result.errors)} file(s) could not be read:")
            st.code("\n".join(result.errors[:50]), language=None, wrap_lines=True)
    finally:
        if uploaded:
            archive_path.unlink(missing_ok=True)
