"""The transcript site's settings by name: the headline first, one click to fetch it, unknown
ids still listed, in the app and on the command line."""

from __future__ import annotations

import re

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.paper.html_pages import PaperSetting
from alignment_faking_lab.paper.settings import HEADLINE, named_settings
from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer, site_with_headline

HEADLINE_FIGURE = (
    "Published: complied 14.2% in training (free tier) vs 2.8% unmonitored (paid tier); "
    "alignment-faking reasoning 11.9% (arXiv:2412.14093 Table 1; Abstract; Fig. 1)."
)


def test_the_headline_comes_first_by_name_with_its_section_and_figure():
    index = [PaperSetting("secret", "some_variant"), PaperSetting("animal_welfare", "default"),
             HEADLINE]  # fmt: skip
    named = named_settings(index)
    assert [n.key for n in named] == [
        "helpful_only/default", "animal_welfare/default", "secret/some_variant"
    ]  # fmt: skip
    assert named[0].label() == (
        "★ Claude 3 Opus, helpful-only, prompted (Sec. 3) · helpful_only/default"
    )
    assert named[0].info.sentence.startswith("The paper's headline result")
    assert named[0].figure == HEADLINE_FIGURE
    assert "(arXiv:2412.14093 Sec. 3.2; App. G.3 row 58)" in named[1].figure
    assert named[2].info is None and named[2].label() == (
        "secret/some_variant (not described by this app: listed by its id, as the site's "
        "index names it)"
    )


def test_a_known_setting_the_index_lacks_is_not_offered():
    assert [n.key for n in named_settings([PaperSetting("misconception", "x")])] == [
        "misconception/x"
    ]


def test_paper_list_prints_names_sections_figures_and_unknown_ids(tmp_path, capsys):
    with PaperSiteServer(site_with_headline(tmp_path / "site")) as site:
        assert main(["paper", "--base-url", site.url, "list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("helpful_only/default\n    Claude 3 Opus, helpful-only, prompted: The "
                          "paper's headline result")  # fmt: skip
    assert f"(Sec. 3)\n    {HEADLINE_FIGURE}\n" in out
    assert "helpful_only/demo_variant\n    not described by this app" in out


def test_one_click_fetches_and_imports_the_headline_setting(tmp_path):
    with PaperSiteServer(site_with_headline(tmp_path / "site")) as site:
        at = open_page("pages/paper_transcripts.py")
        at.text_input(key="paper_base_url").set_value(site.url).run()
        text = re.sub(r"\\(.)", r"\1", page_text(at))
        assert "**★ Claude 3 Opus, helpful-only, prompted** (Sec. 3): The paper" in text
        assert HEADLINE_FIGURE in text
        at.button(key="fetch_headline").click().run()
        fetched = list(site.state.requests)
    assert not at.exception, at.exception
    text = re.sub(r"\\(.)", r"\1", page_text(at))
    assert "helpful_only/default: 12 downloaded" in text  # both splits, 6 each
    # the site's index (read to check the setting's name), then only the headline setting
    assert all(p.startswith("files/helpful_only/default/") or p == "index.html" for p in fetched)
    assert any(p.startswith("files/helpful_only/default/") for p in fetched)
    assert "Imported into the app: helpful_only__default.jsonl" in text
