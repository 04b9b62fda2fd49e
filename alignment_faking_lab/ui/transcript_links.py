"""Shareable links to one transcript, and what a link shows when this server lacks it."""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.data.transcript import Transcript
from alignment_faking_lab.paper.html_pages import PaperPageError
from alignment_faking_lab.paper.importer import paper_transcript_id
from alignment_faking_lab.paper.site import DEFAULT_BASE_URL, PAPER_SITE_SETTING, PaperSite
from alignment_faking_lab.public import deployment
from alignment_faking_lab.public.downloads import FetchError, OfflineError
from alignment_faking_lab.teaching import links
from alignment_faking_lab.ui.data import select_source
from alignment_faking_lab.ui.text import escape_markdown


def is_private(provenance: str) -> bool:
    """On a public deployment, live and uploaded transcripts belong to one visitor's session."""
    return deployment.is_public() and provenance not in ("paper", "illustrative")


def share_params(transcript: Transcript) -> dict[str, str]:
    t = transcript
    return links.link_params(t.id, t.provenance.value, t.setting, t.variant, t.tier.value,
                             t.prompt_id, is_private(t.provenance.value))  # fmt: skip


def row_share_params(row) -> dict[str, str]:
    """The same from a row of the loaded table (no transcript read back)."""
    provenance = str(row["provenance"])
    fields = [str(row[name]) for name in ("id", "provenance", "setting", "variant", "tier",
                                          "prompt_id")]  # fmt: skip
    return links.link_params(*fields, private=is_private(provenance))


def official_site() -> PaperSite:
    """The paper's transcript site; only the owner can point it elsewhere (a mirror)."""
    return PaperSite(deployment.owner_setting(PAPER_SITE_SETTING) or DEFAULT_BASE_URL)


def missing_transcript(opened_id: str) -> None:
    """A link to a transcript that is not loaded: re-import a paper one, say a private one is
    private, or say plainly that it is not here."""
    names = (links.SETTING, links.SPLIT, links.NUMBER, links.PRIVATE)
    query = {name: st.query_params.get(name, "") for name in names}
    ref = links.paper_ref(query)
    if ref is not None:
        st.info(f"This link opens the paper's published transcript: {ref.describe()}. This "
                "server has not imported it yet.")  # fmt: skip
        if st.button("Import it from the paper's transcript site", icon="⬇️",
                     key="reimport_paper"):  # fmt: skip
            try:
                site = official_site()
                setting = site.listed_setting(f"{ref.category}/{ref.variant}")
                path = site.import_one(setting, ref.split, ref.number)
            except OfflineError as exc:
                st.error(str(exc), icon="📡")
            except (FetchError, PaperPageError) as exc:
                st.error(f"The paper's site could not give this transcript: {exc}")
            else:
                if path is None:
                    st.error("The paper's site has no such transcript: check the link.")
                else:
                    select_source(f"paper:{path.stem}")
                    st.query_params["id"] = paper_transcript_id(
                        ref.category, ref.variant, ref.split, ref.number
                    )
                    st.rerun()
        return
    if query[links.PRIVATE]:
        st.warning(links.PRIVATE_NOTE, icon="🔒")
        return
    st.error(
        f"Transcript {escape_markdown(opened_id)} is not in the loaded data. Load the file it "
        "comes from in the sidebar, or check the link."
    )
