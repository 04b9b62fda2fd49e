"""The paper's own system prompt files, downloaded on request from its public code repository.

The project's variants are its own paraphrase; results move with prompt wording, so a faithful
re-run needs the paper's text. Nothing of it is shipped: a file is fetched only when a user asks,
cached with its URL and SHA-256, and a run that uses it records both (its variant id is
`paper:<path>`). The public helpful-only prompt may hold a placeholder where few-shot examples
were removed; `describe` says so, so nobody mistakes it for the full prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from alignment_faking_lab.public.downloads import CachedSite

VARIANT_PREFIX = "paper:"  # a prompt variant id naming one of these files: paper:<path>
BASE_URL = "https://raw.githubusercontent.com/redwoodresearch/alignment_faking_public/master/"
BASE_URL_ENV = "AFLAB_PAPER_CODE_BASE_URL"  # a mirror (or a test server) can stand in

# Files whose paths are documented (study.md); any other path in the repository can be typed.
KNOWN_FILES: dict[str, str] = {
    "model_organism_honly_prompts/prompt_atn_honly_with_examples.txt": (
        "Helpful-only, with examples (the paper's default prompt)"
    ),
    "model_organism_honly_prompts/prompt_atn_honly_no_cot_with_examples.txt": (
        "Helpful-only, no scratchpad, with examples"
    ),
}
_PLACEHOLDER = re.compile(
    r"(\{[^{}\n]*example[^{}\n]*\})|(\[[^\[\]\n]*example[^\[\]\n]*\])|"
    r"(^.*\b(placeholder|examples? (?:were |have been |are )?(?:removed|omitted|redacted))\b.*$)",
    re.IGNORECASE | re.MULTILINE,
)
_ELEMENTS = {
    "free/paid tiers": re.compile(r"free[- ]tier", re.IGNORECASE),
    "RLHF": re.compile(r"\bRLHF\b"),
    "tier tag <is_free_tier_user>": re.compile(r"is_free_tier_user"),
    "hidden scratchpad <SCRATCHPAD_REASONING>": re.compile(r"SCRATCHPAD_REASONING"),
    "final answer <OUTPUT>": re.compile(r"<OUTPUT>"),
}


class PaperCodeSite(CachedSite):
    what = "Downloading the paper's prompt file"
    cache_folder = "paper_code"


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV) or BASE_URL


def _site() -> PaperCodeSite:
    return PaperCodeSite(base_url())


def _clean(path: str) -> str:
    path = path.strip().lstrip("/")
    if not path or ".." in path.split("/") or not re.fullmatch(r"[A-Za-z0-9_./-]+", path):
        raise ValueError(f"{path!r} is not a file path in the repository.")
    return path


@dataclass(frozen=True, slots=True)
class PromptFile:
    path: str
    url: str
    sha256: str
    fetched_at: str
    text: str

    @property
    def variant_id(self) -> str:
        return VARIANT_PREFIX + self.path


def _meta_path(site: PaperCodeSite, path: str):
    return site.cached_path(path + ".meta.json")


def download(path: str, refresh: bool = False) -> PromptFile:
    """Fetch (or reuse the cached copy of) one file; raises OfflineError / FetchError plainly."""
    path = _clean(path)
    site = _site()
    text = site.get(path, refresh=refresh)
    body = site.cached_path(path).read_bytes()
    meta = {
        "url": site.url(path),
        "sha256": hashlib.sha256(body).hexdigest(),
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    meta_file = _meta_path(site, path)
    if meta_file.exists() and not refresh:
        kept = json.loads(meta_file.read_text(encoding="utf-8"))
        if kept.get("sha256") == meta["sha256"]:
            meta["fetched_at"] = kept.get("fetched_at", meta["fetched_at"])
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    return PromptFile(path, meta["url"], meta["sha256"], meta["fetched_at"], text)


def cached(path: str) -> PromptFile | None:
    """The downloaded copy, or None (nothing is fetched)."""
    path = _clean(path)
    site = _site()
    file, meta_file = site.cached_path(path), _meta_path(site, path)
    if not file.exists() or not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    text = file.read_text(encoding="utf-8", errors="replace")
    return PromptFile(path, meta["url"], meta["sha256"], meta["fetched_at"], text)


def downloaded() -> list[PromptFile]:
    root = _site().cache_dir
    if not root.exists():
        return []
    found = []
    for meta in sorted(root.rglob("*.meta.json")):
        path = str(meta.relative_to(root)).removesuffix(".meta.json")
        file = cached(path)
        if file is not None:
            found.append(file)
    return found


@dataclass(frozen=True, slots=True)
class Contents:
    characters: int
    lines: int
    placeholders: list[str]  # the lines where examples were removed
    elements: dict[str, bool]  # the study's elements found in the text
    example_blocks: int  # worked examples of reasoning (scratchpad blocks in the prompt)

    def summary(self) -> list[str]:
        said = [f"{self.characters:,} characters, {self.lines:,} lines."]
        present = [name for name, found in self.elements.items() if found]
        missing = [name for name, found in self.elements.items() if not found]
        if present:
            said.append("Contains: " + ", ".join(present) + ".")
        if missing:
            said.append("Not found: " + ", ".join(missing) + ".")
        said.append(
            f"Mentions of <SCRATCHPAD_REASONING>: {self.example_blocks} (worked examples use it "
            "many times; instructions alone mention it once or twice)."
        )
        if self.placeholders:
            said.append(
                "This file holds a placeholder where examples were removed ("
                + "; ".join(repr(p[:80]) for p in self.placeholders[:3])
                + "): it is not the full prompt the paper ran, and a run with it sends the "
                "placeholder as written."
            )
        return said


def describe(text: str) -> Contents:
    placeholders = [m.group(0).strip() for m in _PLACEHOLDER.finditer(text)]
    return Contents(
        characters=len(text),
        lines=text.count("\n") + 1,
        placeholders=placeholders,
        elements={name: bool(pattern.search(text)) for name, pattern in _ELEMENTS.items()},
        example_blocks=text.count("<SCRATCHPAD_REASONING>"),
    )


def is_paper_variant(variant_id: str) -> bool:
    return variant_id.startswith(VARIANT_PREFIX)


def variant_file(variant_id: str) -> PromptFile:
    """The downloaded file behind a `paper:<path>` variant, or a clear KeyError."""
    path = variant_id.removeprefix(VARIANT_PREFIX)
    file = cached(path)
    if file is None:
        raise KeyError(
            f"The paper's prompt file {path} has not been downloaded yet: download it on the "
            "Run experiment page (Prompts) first."
        )
    return file
