"""Import the paper's bulk archive of JSON transcripts, zipped or unzipped, as downloaded.

Layout: `json_outputs/<setting>/<train|deploy>/<N>.json`, each with a `messages` list and
boolean labels. The zip is read member by member (it is about 900 MB), never loaded whole, and
each member is decompressed in chunks up to a cap: a member that is damaged, encrypted, too
deeply nested or far bigger than a transcript (a zip bomb) is skipped and reported, and the rest
imports. A total cap (`max_total_bytes`: one visitor's share on a public server) bounds what all
members together may unpack to: a zip of many large members stops there, and says so.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alignment_faking_lab.data.schema import validated_values
from alignment_faking_lab.data.transcript import Message, Transcript
from alignment_faking_lab.paper.importer import paper_transcript, save_imported
from alignment_faking_lab.protocol.parsing import USER_INPUT

_MEMBER = re.compile(
    r"(?:^|/)json_outputs/(?P<setting>.+)/(?P<split>train|deploy)/(?P<n>\d+)\.json$"
)


@dataclass(slots=True)
class ArchiveImport:
    transcripts: dict[str, list[Transcript]] = field(default_factory=dict)  # by setting
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(ts) for ts in self.transcripts.values())


MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one transcript is tens of kB; the largest a few MB
_CHUNK = 1 << 20


class MemberError(ValueError):
    """One member of the archive that cannot be read; the others still import."""


def _read_capped(handle, name: str, cap: int) -> bytes:
    """A member's bytes, decompressed a chunk at a time and never more than `cap` of them."""
    chunks, size = [], 0
    while chunk := handle.read(min(_CHUNK, cap + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            raise MemberError(
                f"{name}: over {cap / 1e6:.0f} MB once unpacked, far more than a transcript; "
                "skipped"
            )
    return b"".join(chunks)


class TotalReached(Exception):
    """The members read so far unpack to the total cap: the import stops after them."""


def _members(path: Path, cap: int) -> Iterator[tuple[str, bytes | MemberError]]:
    """Each .json member's bytes, or why it cannot be read; one member in memory at a time."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            name = file.relative_to(path.parent).as_posix()
            try:
                with file.open("rb") as handle:
                    yield name, _read_capped(handle, name, cap)
            except MemberError as exc:
                yield name, exc
            except OSError as exc:
                yield name, MemberError(f"{name}: could not be read ({exc.strerror or exc})")
        return
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or not name.endswith(".json"):
                continue
            try:
                with archive.open(info) as member:
                    yield name, _read_capped(member, name, cap)
            except MemberError as exc:
                yield name, exc
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
                yield name, MemberError(f"{name}: damaged in the archive ({exc}); skipped")
            except RuntimeError as exc:  # an encrypted member: zipfile wants a password
                yield name, MemberError(f"{name}: cannot be unpacked ({exc}); skipped")


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
    request = USER_INPUT.search(first_user)
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


def import_archive(
    path: str | Path,
    only_setting: str | None = None,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int | None = None,
) -> ArchiveImport:
    """The archive's transcripts by setting, and why any member was skipped. With
    `max_total_bytes`, members are read until together they unpack to that much."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No archive or folder at {path}")
    if path.is_file() and not zipfile.is_zipfile(path):
        with path.open("rb") as handle:
            if handle.read(4) == b"PK\x03\x04":  # a zip's start, without its end
                raise ValueError(f"{path.name} is a zip archive cut short: download it again")
        raise ValueError(f"{path.name} is neither a zip archive nor a folder")
    result = ArchiveImport()
    unpacked = 0
    cap = max_member_bytes if max_total_bytes is None else min(max_member_bytes, max_total_bytes)
    try:
        for name, data in _members(path, cap):
            match = _MEMBER.search(name)
            if not match:
                continue
            setting = match.group("setting")
            if only_setting and setting != only_setting:
                continue
            if isinstance(data, MemberError):
                result.errors.append(str(data))
                continue
            unpacked += len(data)
            if max_total_bytes is not None and unpacked > max_total_bytes:
                raise TotalReached
            _add_member(result, name, data, setting, match)
    except zipfile.BadZipFile as exc:  # the archive's own index is damaged
        result.errors.append(f"{path.name}: the archive's index is damaged ({exc})")
    except TotalReached:
        result.errors.append(
            f"{path.name}: stopped after {result.count} transcripts: together its files unpack "
            f"to more than {max_total_bytes / 2**20:.0f} MB, what one visitor may import on this "
            "server. The rest was not read; to import all of it, run the app on your own "
            "computer."
        )
    if not result.transcripts and not result.errors:
        result.errors.append(
            f"{path.name}: no files matching json_outputs/<setting>/<train|deploy>/<N>.json"
        )
    return result


def _add_member(result: ArchiveImport, name: str, data: bytes, setting: str, match) -> None:
    """One member as a transcript, or one line in `result.errors`: whatever is wrong with a
    member (bad JSON, wrong types, a record the schema refuses), the others still import."""
    try:
        record = json.loads(data)
        transcript = transcript_from_record(
            name, record, setting, match.group("split"), int(match.group("n"))
        )
        validated_values(transcript.to_dict())  # the schema every transcript passes
    except RecursionError:
        result.errors.append(f"{name}: JSON nested too deeply to read; skipped")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        result.errors.append(f"{name}: {exc}; skipped")
    else:
        result.transcripts.setdefault(setting, []).append(transcript)


def import_and_save(
    path: str | Path,
    only_setting: str | None = None,
    data_dir: Path | None = None,
    max_total_bytes: int | None = None,
) -> tuple[ArchiveImport, list[Path]]:
    """Import, then save one JSONL per setting where the app finds imported paper data; a
    setting imported before is merged with (by id), never replaced."""
    result = import_archive(path, only_setting, max_total_bytes=max_total_bytes)
    saved = [
        save_imported(transcripts, *setting_parts(setting), data_dir)
        for setting, transcripts in result.transcripts.items()
    ]
    return result, saved
