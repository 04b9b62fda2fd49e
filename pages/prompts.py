"""Prompts: the project's own variants, the paper's files (downloaded on request), side by side."""

import pandas as pd
import streamlit as st

from alignment_faking_lab.protocol import prompt_diff, prompt_files, prompts
from alignment_faking_lab.public.downloads import FetchError, OfflineError
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.text import escape_markdown

OTHER = "__other__"

page_setup()
st.title("📝 Prompts")
st.markdown(
    "Results move with the wording of the system prompt, so the prompt is a variable to show, "
    "not a detail to hide. The project's own variants are **our paraphrase** of the study's "
    "setup; for a faithful re-run, download the **paper's own prompt files** from its public "
    "code repository (MIT licence). They are fetched only when you ask, kept in your data "
    "folder with their address and SHA-256, and never shipped with the app."
)

st.header("The paper's prompt files")
choices = [*prompt_files.KNOWN_FILES, OTHER]
path = st.selectbox(
    "File",
    choices,
    format_func=lambda p: (
        "Another file in the repository (type its path)"
        if p == OTHER
        else f"{prompt_files.KNOWN_FILES[p]} · {p}"
    ),
    key="paper_prompt_file",
)
if path == OTHER:
    path = st.text_input(
        "Path in the repository",
        key="paper_prompt_path",
        placeholder="folder/file.txt",
        help="Only the two files above have documented paths here; type any other as it "
        "appears in the repository.",
    )
st.caption(f"From `{prompt_files.base_url()}`" if "`" not in prompt_files.base_url() else "")
if path and st.button("Download (or use the cached copy)", key="paper_prompt_download"):
    try:
        prompt_files.download(path)
    except ValueError as error:
        st.error(escape_markdown(str(error)))
    except OfflineError as error:
        own = "The project's own variants below still work without it."
        st.error(escape_markdown(f"{error} {own}"))
    except FetchError as error:
        st.error(escape_markdown(f"Could not download {path}: {error}."))

for file in prompt_files.downloaded():
    contents = prompt_files.describe(file.text)
    with st.expander(f"{escape_markdown(file.path)}", expanded=True):
        # Paths and URLs are checked to [A-Za-z0-9_./:-] (no backtick): safe in code spans.
        st.caption(
            f"Downloaded from `{file.url}` on {escape_markdown(file.fetched_at)}; SHA-256 "
            f"`{file.sha256}`. A run with it records both. Use it on the Run experiment page as "
            f"the variant `{file.variant_id}`."
        )
        for line in contents.summary():
            if line.startswith("This file holds a placeholder"):
                st.warning(escape_markdown(line), icon="🕳️")
            else:
                st.markdown(escape_markdown(line))
        st.code(file.text, language=None, wrap_lines=True, height=300)

st.header("Compare two prompts side by side")
options = prompts.available_variants()
title = prompts.variant_title
columns = st.columns(2)
left = columns[0].selectbox("A", options, format_func=title, key="diff_a")
right = columns[1].selectbox(
    "B", options, index=min(1, len(options) - 1), format_func=title, key="diff_b"
)
only_changes = st.toggle("Only what differs", value=True, key="diff_only")
rows = prompt_diff.side_by_side(
    prompts.get_variant(left).text, prompts.get_variant(right).text, context=not only_changes
)
st.markdown(escape_markdown(prompt_diff.summary(rows)))
if rows:
    st.dataframe(
        pd.DataFrame([{"change": r.change, "A": r.left, "B": r.right} for r in rows]),
        hide_index=True,
        width="stretch",
        column_config={
            "change": st.column_config.TextColumn("Change", width="small"),
            "A": st.column_config.TextColumn(title(left), width="large"),
            "B": st.column_config.TextColumn(title(right), width="large"),
        },
    )
for variant_id in (left, right):
    if not prompt_files.is_paper_variant(variant_id):
        variant = prompts.VARIANTS[variant_id]
        st.caption(f"{escape_markdown(variant.title)}: {escape_markdown(variant.description)}")
