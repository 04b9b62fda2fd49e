"""Import the paper's bulk archive of JSON transcripts, zipped or unzipped, as downloaded.

Layout: `json_outputs/<setting>/<train|deploy>/<N>.json`, each with a `messages` list and
boolean labels. The zip is read member by member (it is about 900 MB), never loaded whole.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alignment_faking_lab.paper.importer import paper_transcript, save_imported
from alignment_faking_lab.transcript import Message, Transcript

_MEMBER = re.compile(
    r"(?:^|/)json_outputs/(?P<setting>.+)/(?P<split>train|deploy)/(?P<n>\d+)\.json$"
)
_USER_INPUT = re.compile(r"<user_input>(.*?)</user_input>", re.DOTALL)


@dataclass(slots=True)
class ArchiveImport:
    transcripts: dict[str, list[Transcript]] = field(default_factory=dict)  # by setting
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(ts) for ts in self.transcripts.values())


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield file.relative_to(path.parent).as_posix(), file.read_bytes()
        return
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".json"):
                with archive.open(name) as member:
                    yield name, member.read()


def setting_parts(setting: str) -> tuple[str, str]:
    """`helpful_only` -> (helpful_only, default); `a/b` -> (a, b)."""
    category, _, variant = setting.partition("/")
    return category, variant.replace("/", "_") or "default"


def transcript_from_record(name: str, record: object, setting: str, split: str, number: int):
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        raise ValueError("no 'messages' list")
    messages, system = [], None
    for index, item in enumerate(record["messages"]):
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise ValueError(f"messages[{index}] has no text 'content'")
        role = str(item.get("role", ""))
        if role == "system":
            system = item["content"]
        else:
            messages.append(
                Message("assistant" if role in ("assistant", "ai") else "user", item["content"])
            )
    first_user = next((m.content for m in messages if m.role == "user"), "")
    request = _USER_INPUT.search(first_user)
    labels = {k: v for k, v in record.items() if isinstance(v, bool)}
    category, variant = setting_parts(setting)
    return paper_transcript(
        category=category,
        variant=variant,
        split=split,
        number=number,
        messages=messages,
        user_input=request.group(1).strip() if request else first_user,
        labels=labels,
        source_url=f"archive:{name}",
        system_prompt=system,
    )


def import_archive(path: str | Path, only_setting: str | None = None) -> ArchiveImport:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No archive or folder at {path}")
    if path.is_file() and not zipfile.is_zipfile(path):
        raise ValueError(f"{path.name} is neither a zip archive nor a folder")
    result = ArchiveImport()
    for name, data in _members(path):
        match = _MEMBER.search(name)
        if not match:
            continue
        setting = match.group("setting")
        if only_setting and setting != only_setting:
            continue
        try:
            record = json.loads(data)
            transcript = transcript_from_record(
                name, record, setting, match.group("split"), int(match.group("n"))
            )
        except (ValueError, UnicodeDecodeError) as exc:
            result.errors.append(f"{name}: {exc}")
            continue
        result.transcripts.setdefault(setting, []).append(transcript)
    if not result.transcripts and not result.errors:
        result.errors.append(
            f"{path.name}: no files matching json_outputs/<setting>/<train|deploy>/<N>.json"
        )
    return result


def import_and_save(
    path: str | Path, only_setting: str | None = None, data_dir: Path | None = None
) -> tuple[ArchiveImport, list[Path]]:
    """Import, then save one JSONL per setting where the app finds imported paper data."""
    result = import_archive(path, only_setting)
    saved = [
        save_imported(transcripts, *setting_parts(setting), data_dir)
        for setting, transcripts in result.transcripts.items()
    ]
    return result, saved
