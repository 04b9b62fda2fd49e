"""Cite a transcript in one click: the exact citation, the official page, the link back."""

from __future__ import annotations

from alignment_faking_lab.data.transcript import Message, Provenance, Tier, Transcript
from alignment_faking_lab.paper.importer import paper_transcript_id
from alignment_faking_lab.teaching import citation
from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer

OFFICIAL = "https://redwoodresearch.github.io/alignment_faking_examples/"


def _transcript(provenance: Provenance, **changes) -> Transcript:
    fields = {
        "id": "t1", "provenance": provenance, "tier": Tier.FREE,
        "prompt_id": "helpful_only/default/12", "prompt_text": "a request",
        "messages": [Message("user", "q"), Message("assistant", "<OUTPUT>a</OUTPUT>")],
        "model": "claude-3-opus", "provider": "paper", "setting": "helpful_only",
        "variant": "default",
    }  # fmt: skip
    return Transcript(**{**fields, **changes})


def test_a_paper_transcript_is_cited_with_its_setting_number_and_official_page():
    text = citation.cite(_transcript(Provenance.PAPER)).text("I will comply  to avoid\nRLHF.")
    assert text == (
        "“I will comply to avoid RLHF.”\n"
        "— Claude 3 Opus, free tier (the model was told this conversation is used for "
        "training), setting helpful_only/default, transcript 12. Published transcript of "
        "Greenblatt et al. 2024, arXiv:2412.14093. "
        f"{OFFICIAL}files/helpful_only/default/train/12.html"
    )


def test_the_official_address_is_built_never_read_from_data():
    hostile = _transcript(Provenance.PAPER, tier=Tier.PAID, source_url="http://evil.example/x",
                          variant="x/../../evil.example")  # fmt: skip
    cited = citation.cite(hostile)
    assert cited.url is None and "evil.example/x" not in cited.text()
    assert citation.official_page("..", "default", "train", 1) is None
    assert citation.official_page("helpful_only", "..", "train", 1) is None
    paid = citation.cite(_transcript(Provenance.PAPER, tier=Tier.PAID))
    assert paid.url == f"{OFFICIAL}files/helpful_only/default/deploy/12.html"
    assert "paid tier (the model was told this conversation is never trained on)" in paid.source
    odd = citation.cite(_transcript(Provenance.PAPER, prompt_id="helpful_only/default/1²"))
    assert odd.url is None and "transcript 1²" not in odd.text()  # no number, no crash


def test_a_live_run_names_model_date_and_variant_and_is_not_the_papers():
    live = _transcript(Provenance.LIVE, model="claude-haiku-5-5", provider="Anthropic",
                       created_at="2026-12-06T10:00:00Z", variant="default",
                       system_prompt_hash="abc123")  # fmt: skip
    cited = citation.cite(live)
    assert cited.source == (
        "claude-haiku-5-5 (Anthropic), free tier (the model was told this conversation is used "
        "for training), live run on 2026-12-06, prompt variant default (hash abc123). Run with "
        "Alignment Faking Lab; not a transcript from Greenblatt et al. 2024, arXiv:2412.14093."
    )
    assert cited.url is None


def test_the_projects_own_text_is_never_called_the_papers():
    cited = citation.cite(_transcript(Provenance.ILLUSTRATIVE))
    assert "not model output" in cited.source and "not from Greenblatt" in cited.source
    assert cited.url is None and "Published transcript" not in cited.text()


def test_the_app_link_keeps_the_apps_address_and_names_the_transcript():
    params = {"id": "x1", "paper": "helpful_only/default", "split": "train", "n": "12"}
    pages = {"transcripts", "playground"}
    assert citation.app_link("https://lab.example/sub/playground", params, pages) == (
        "https://lab.example/sub/transcripts?id=x1&paper=helpful_only%2Fdefault&split=train&n=12"
    )
    assert citation.app_link("http://host:8501", params, pages).startswith(
        "http://host:8501/transcripts?id=x1"
    )


def test_an_opened_paper_transcript_shows_its_citation_and_a_link_to_the_official_page(
    monkeypatch,
):
    """Against the loopback site: the link imports the transcript, the page cites it exactly,
    with the official address (not the mirror's) as the one clickable link."""
    with PaperSiteServer() as site:
        monkeypatch.setenv("AFLAB_PAPER_BASE_URL", site.url)
        query = {"id": "x", "paper": "helpful_only/demo_variant", "split": "train", "n": "2"}
        at = open_page("pages/transcripts.py", query)
        at.button(key="reimport_paper").click().run()
    assert not at.exception, at.exception
    codes = [c.value for c in at.code]
    official = f"{OFFICIAL}files/helpful_only/demo_variant/train/2.html"
    cited = next(c for c in codes if c.startswith("— ") or c.startswith("“"))
    assert cited.endswith(
        "setting helpful_only/demo_variant, transcript 2. Published transcript of "
        f"Greenblatt et al. 2024, arXiv:2412.14093. {official}"
    )
    buttons = [b for b in at.get("link_button")]
    assert [b.proto.url for b in buttons] == [official]
    assert site.url not in page_text(at)  # the mirror's address is nowhere on the page
    expected_id = paper_transcript_id("helpful_only", "demo_variant", "train", 2)
    link = next(c for c in codes if "transcripts?" in c)
    assert f"id={expected_id}" in link and "n=2" in link and "split=train" in link
    # A highlighted sentence becomes the quote.
    box = next(s for s in at.selectbox if s.label == "Quote a highlighted sentence")
    box.set_value(box.options[1]).run()
    quoted = next(c.value for c in at.code if c.value.startswith("“"))
    assert quoted.startswith(f"“{box.options[1]}”\n— Claude 3 Opus, free tier")


def test_the_copied_link_reopens_the_same_transcript_on_a_fresh_server(tmp_path, monkeypatch):
    """The link from the citation box, opened on another server with an empty disk, brings the
    same published transcript back from the paper's site."""
    from urllib.parse import parse_qsl, urlsplit

    with PaperSiteServer() as site:
        monkeypatch.setenv("AFLAB_PAPER_BASE_URL", site.url)
        query = {"id": "x", "paper": "helpful_only/demo_variant", "split": "deploy", "n": "3"}
        at = open_page("pages/transcripts.py", query)
        at.button(key="reimport_paper").click().run()
        link = next(c.value for c in at.code if "transcripts?" in c.value)
        first_request = at.markdown[0].value if at.markdown else ""
        opened = dict(parse_qsl(urlsplit(link).query))

        monkeypatch.setenv("AFLAB_DATA_DIR", str(tmp_path / "fresh-server"))
        fresh = open_page("pages/transcripts.py", opened)
        assert "This server has not imported it yet" in page_text(fresh)
        fresh.button(key="reimport_paper").click().run()
    assert not fresh.exception, fresh.exception
    expected = paper_transcript_id("helpful_only", "demo_variant", "deploy", 3)
    assert opened["id"] == expected and fresh.query_params["id"] in (expected, [expected])
    assert "Paid tier: the model is told this conversation is never trained on" in page_text(fresh)
    reopened = next(c.value for c in fresh.code if c.value.startswith("— "))
    assert "setting helpful_only/demo_variant, transcript 3." in reopened
    assert first_request == (fresh.markdown[0].value if fresh.markdown else "")
