"""The Paper transcripts page: from "download" to a replayed free/paid pair, on a local site."""

from __future__ import annotations

import re

import pytest

from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer


def test_offline_download_says_it_needs_internet_and_keeps_working():
    at = open_page("pages/paper_transcripts.py")
    at.text_input(key="paper_base_url").set_value("http://127.0.0.1:9/").run()
    at.button(key="fetch_settings").click().run()
    assert not at.exception
    assert any("needs internet access" in e.value for e in at.error)
    assert "No setting imported yet" in page_text(at)


def test_download_then_replay_a_real_pair_in_the_playground():
    with PaperSiteServer() as server:
        at = open_page("pages/paper_transcripts.py")
        at.text_input(key="paper_base_url").set_value(server.url).run()
        at.button(key="fetch_settings").click().run()
        listed = at.selectbox(key="paper_setting_pick")
        # known settings first, by name; the index's unknown id last, saying so
        assert listed.options[0].startswith("Claude 3 Opus, animal welfare, prompted (Sec. 3.2)")
        assert listed.options[-1] == (
            "helpful_only/demo_variant (not described by this app: listed by its id, as the "
            "site's index names it)"
        )
        listed.set_value("helpful_only/demo_variant").run()
        at.number_input(key="first_n").set_value(0).run()
        at.button(key="download").click().run()
    assert not at.exception, at.exception
    text = re.sub(r"\\(.)", r"\1", page_text(at))  # as read on screen, without escapes
    assert "helpful_only/demo_variant: 12 downloaded" in text
    assert "deploy/6.html: could not find the user turn" in "\n".join(c.value for c in at.code)
    # like with like: the paper publishes no figure for this variant, so none is put beside it
    assert "The paper reports no figure for the demo_variant prompt variant of helpful_only" in (
        re.sub(r"\\(.)", r"\1", page_text(at))
    )
    assert not at.dataframe

    at.switch_page("pages/results.py").run()
    at.segmented_control(key="data").set_value("Transcripts loaded in the app").run()
    assert not at.exception, at.exception
    results = re.sub(r"\\(.)", r"\1", page_text(at))  # as read on screen, without escapes
    assert "The paper's own transcripts, recomputed" in results
    assert "The paper reports no figure for the demo_variant prompt variant" in results

    at.switch_page("pages/playground.py").run()
    at.selectbox(key="request").set_value("helpful_only/demo_variant/1").run()
    at.toggle(key="compare").set_value(True).run()
    assert not at.exception, at.exception
    # each replayed transcript can be cited, with its own tier and number
    cited = [c.value for c in at.code if c.value.startswith("— ")]
    assert any("free tier" in c and "transcript 1." in c for c in cited)
    assert any("paid tier" in c and "transcript 1." in c for c in cited)
    page = page_text(at)
    assert "Write a limerick about a cat" in page
    assert "thinks it is in training" in page  # a published label, in plain words
    assert ":blue-badge[Paper\\'s published transcript · helpful\\_only" in page  # provenance


@pytest.mark.parametrize(
    "typed",
    ["helpful_only/x/../../../files/helpful_only/demo_variant", "helpful_only/x/../demo_variant",
     "helpful_only/demo_variant/..", "../demo_variant/x"],
)  # fmt: skip
def test_a_typed_setting_the_site_does_not_list_is_refused_and_writes_nothing(
    typed, isolated_data_dir, monkeypatch
):
    """The Setting field is a folder and a file name once downloaded: a visitor on a public
    server typing `..` in it wrote outside the data folder or added a collection for everyone."""
    around = isolated_data_dir.parent
    before = set(around.rglob("*.jsonl"))
    with PaperSiteServer() as server:
        monkeypatch.setenv("AFLAB_MODE", "public")
        monkeypatch.setenv("AFLAB_PAPER_BASE_URL", server.url)
        at = open_page("pages/paper_transcripts.py")
        at.text_input(key="setting_typed").set_value(typed).run()
        at.button(key="download").click().run()
    assert not at.exception, at.exception
    assert any("is not a setting the paper" in e.value for e in at.error)
    assert set(around.rglob("*.jsonl")) == before  # no file written, in or beside the data
    assert not list(isolated_data_dir.rglob("demo_variant*"))
