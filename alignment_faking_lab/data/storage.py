"""JSONL storage of transcripts: one transcript a line, each with the schema version.

Reading never gives up on a whole file because of one bad line: every malformed line becomes a
`LineError` naming the line and the field, and the valid lines are returned alongside.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import orjson

from alignment_faking_lab.data.files import atomic_write, escape_unencodable, unencodable_text
from alignment_faking_lab.data.schema import TranscriptFormatError, validated_values
from alignment_faking_lab.data.sniff import encoding_problem

try:  # POSIX; Windows has msvcrt's byte-range locks instead
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]
    import msvcrt
from alignment_faking_lab.data.transcript import Compliance, Message, Transcript

__all__ = ["LineError", "LoadResult", "TranscriptFormatError", "validated_values"]


@dataclass(frozen=True, slots=True)
class LineError:
    source: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        if self.line == 0:  # about the whole file
            return f"{self.source}: {self.problem}"
        return f"{self.source}, line {self.line}: field '{self.field}': {self.problem}"


@dataclass(slots=True)
class LoadResult:
    transcripts: list[Transcript]
    errors: list[LineError]
    source: str

    @property
    def ok(self) -> bool:
        return not self.errors


def transcript_from_values(values: dict[str, Any]) -> Transcript:
    messages = [Message(role=str(m["role"]), content=m["content"]) for m in values["messages"]]
    return Transcript(**{**values, "messages": messages})


def transcript_from_dict(record: Any) -> Transcript:
    """Validate one decoded record; raise TranscriptFormatError naming the first bad field."""
    return transcript_from_values(validated_values(record))


_BOM = b"\xef\xbb\xbf"
HEAD = 4096  # bytes sniffed to recognise a file that is not UTF-8 text at all


class EncodingError(ValueError):
    """A line whose bytes are not UTF-8."""


def decode_line(raw: bytes) -> Any:
    """One JSON line. Bytes that are not UTF-8 are an error naming the encoding, never replaced
    (which would change the text silently); a UTF-8 byte-order mark is allowed."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"found a byte that is not UTF-8 (0x{raw[exc.start]:02X} at byte {exc.start + 1} "
                "of the line), expected UTF-8 text: save the file as UTF-8"
            ) from None
        raise  # valid UTF-8, so the JSON itself is bad


def file_error(source: str, problem: str) -> LineError:
    """An error about a whole file (line 0), shown without a line or field."""
    return LineError(source, 0, "(file)", problem)


def whole_file_errors(
    errors: list[LineError], loaded: int, head: bytes | None, source: str
) -> list[LineError]:
    """One error naming the encoding instead of one per line, when not a single line could be
    read and the file's first bytes show why; otherwise the line errors as they are (a file
    with one damaged line among valid ones keeps its valid lines)."""
    if loaded or not errors or head is None:
        return errors
    problem = encoding_problem(head)
    return errors if problem is None else [file_error(source, problem)]


def iter_lines(
    data: bytes | IO[bytes], offset: int = 0, first: int = 1
) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, line) of every line; the offset lets a reader seek back to it.

    Lines end at b"\n" only, as JSONL says (a text-mode split would also break lines at
    characters such as U+2028 that JSON allows inside strings). A handle is read from where it
    is, which is byte `offset` and line number `first` of its file.
    """
    lines = io.BytesIO(data) if isinstance(data, bytes) else data
    for number, line in enumerate(lines, start=first):
        yield number, offset, line
        offset += len(line)


def parse_line(raw: bytes, number: int, source: str) -> dict[str, Any] | LineError | None:
    """Validated fields of one line, the error naming its line and field, or None if blank."""
    if not raw.strip():
        return None
    if (nul := raw.find(b"\x00")) != -1:
        problem = f"found a NUL byte (at byte {nul + 1} of the line), which JSON text never holds"
        return LineError(source, number, "(encoding)", problem)
    try:
        record = decode_line(raw)
    except EncodingError as exc:
        return LineError(source, number, "(encoding)", str(exc))
    except orjson.JSONDecodeError as exc:
        return LineError(source, number, "(line)", f"found text that is not valid JSON ({exc.msg})")
    try:
        return validated_values(record)
    except TranscriptFormatError as exc:
        return LineError(source, number, exc.field, exc.problem)


def parse_jsonl(data: bytes | IO[bytes], source: str) -> LoadResult:
    """Every transcript of a JSONL file or upload as a full `Transcript`, with per-line errors;
    a repeated id counts once (the later line is an error)."""
    transcripts: list[Transcript] = []
    errors: list[LineError] = []
    head = peek(data)
    seen: dict[str, int] = {}
    for number, _, raw in iter_lines(data):
        parsed = parse_line(raw, number, source)
        if isinstance(parsed, LineError):
            errors.append(parsed)
        elif parsed is not None:
            if (repeated := repeated_id(parsed["id"], number, seen, source)) is not None:
                errors.append(repeated)
                continue
            transcripts.append(transcript_from_values(parsed))
    return LoadResult(
        transcripts, whole_file_errors(errors, len(transcripts), head, source), source
    )


def peek(data: bytes | IO[bytes]) -> bytes:
    """The first bytes of data or of a seekable handle, leaving the handle where it was."""
    if isinstance(data, bytes):
        return data[:HEAD]
    position = data.tell()
    head = data.read(HEAD)
    data.seek(position)
    return head


def repeated_id(
    transcript_id: str, number: int, seen: dict[str, int], source: str
) -> LineError | None:
    """An error for an id already seen (on the line `seen` remembers), so it counts once."""
    first = seen.setdefault(transcript_id, number)
    if first == number:
        return None
    shown = transcript_id if len(transcript_id) <= 40 else transcript_id[:40] + "…"
    problem = f"repeats id {shown!r} of line {first}: counted once, this line dropped"
    return LineError(source, number, "id", problem)


def iter_transcripts(path: str | os.PathLike[str]) -> Iterator[Transcript]:
    """The valid transcripts of a file one at a time (memory stays flat); bad lines skipped."""
    with Path(path).open("rb") as handle:
        for number, _, raw in iter_lines(handle):
            parsed = parse_line(raw, number, Path(path).name)
            if isinstance(parsed, dict):
                yield transcript_from_values(parsed)


def read_jsonl(path: str | os.PathLike[str]) -> LoadResult:
    path = Path(path)
    with path.open("rb") as handle:
        return parse_jsonl(handle, path.name)


class UnstorableError(ValueError):
    """A transcript holding text that cannot be written as UTF-8 (a lone surrogate)."""


UNSTORABLE = "Not stored as received: "  # how the error of such a transcript begins


def dumps(transcript: Transcript) -> str:
    """One JSONL line; the record passes the same schema check as every line read back, so
    nothing is written that the app could not load again."""
    record = transcript.to_dict()
    validated_values(record)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if (problem := unencodable_text(line)) is not None:
        raise UnstorableError(problem)
    return line


def storable(transcript: Transcript) -> Transcript:
    """The transcript, or, when its text cannot be stored (a model reply holding a lone
    surrogate), a failed one with that text escaped and the reason: saved like any other, so a
    resume does not buy the same reply again, and counted in no rate."""
    try:
        dumps(transcript)
    except UnstorableError as exc:
        messages = [Message(m.role, escape_unencodable(m.content)) for m in transcript.messages]
        reason = (
            f"{UNSTORABLE}the model's reply could not be saved as it came: {exc}. It is kept "
            "with that character written as an escape (such as \\ud83d) and counted as a "
            "failed call."
        )
        return replace(
            transcript, messages=messages, prompt_text=escape_unencodable(transcript.prompt_text),
            compliance=Compliance.FAILED, compliance_level=None, alignment_faking=None,
            judge=None, error=reason,
        )  # fmt: skip
    return transcript


def write_jsonl(path: str | os.PathLike[str], transcripts: Iterable[Transcript]) -> None:
    """Write atomically, so a crash mid-write never leaves a half-written file behind."""
    with atomic_write(path) as handle:
        for transcript in transcripts:
            handle.write(dumps(transcript) + "\n")


def append_line(handle: IO[str], line: str) -> None:
    """Append one finished transcript (a `dumps` line) and hand it to the OS at once: a killed
    process loses nothing that was appended. (`fsync`, against a power cut, is left to the
    caller: per line it would serialise a fast run on the disk.)"""
    handle.write(line + "\n")
    handle.flush()


def iter_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The fields of each line the loader accepts, one at a time: a resume counts only these as
    done (a line the loader rejects would otherwise keep its conversation from ever being
    sent); a torn last line is skipped."""
    path = Path(path)
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, _, raw in iter_lines(handle):
            parsed = parse_line(raw, number, path.name)
            if isinstance(parsed, dict):
                yield parsed


def iter_ids(path: str | os.PathLike[str]) -> Iterator[str]:
    """Ids of the lines the loader accepts (a run resumes by skipping them)."""
    for record in iter_records(path):
        yield record["id"]


def repair_torn_tail(path: str | os.PathLike[str]) -> bool:
    """Cut a last line that a killed process left half-written, so appends start clean.

    Only an unterminated last line is cut: every complete line was synced when written.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return False
        size = handle.seek(0, os.SEEK_END)
        position = size
        step = 65536
        while position > 0:
            start = max(0, position - step)
            handle.seek(start)
            chunk = handle.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline != -1:
                handle.truncate(start + newline + 1)
                return True
            position = start
        handle.truncate(0)
        return True


class RunFileRefused(RuntimeError):
    """A run that must not write its file (nothing was sent); the message says why."""


class FileBusyError(RunFileRefused):
    """Another writer (a run in another tab, window, process or thread) holds the file."""


def _try_lock(handle: IO[str]) -> bool:
    """Take the exclusive lock on an open file at once, or say it is held (by anyone else,
    this process included)."""
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover (Windows)
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True


class WriterLock:
    """The only right to write `path` (a run file), taken at once: a second run of the same name
    waits up to `wait` seconds, then is refused with FileBusyError, instead of sending (and
    paying for) every conversation a second time.

    An OS file lock (flock) on a hidden file beside it: it holds across processes, and two
    opens in one process (two browser tabs, two threads) exclude each other too. The OS
    releases it when its holder dies, so a killed run never leaves it stuck.
    """

    def __init__(self, path: str | os.PathLike[str], wait: float = 0.0) -> None:
        path = Path(path).resolve()  # one lock per real file, whatever link or `..` names it
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] | None = path.with_name(f".{path.name}.lock").open("a")
        deadline = time.monotonic() + wait
        while True:
            if _try_lock(self._handle):
                return
            if time.monotonic() >= deadline:
                self._handle.close()
                self._handle = None
                raise FileBusyError(
                    f"Another run is writing to {path.name} right now (in another tab, window "
                    "or process). Wait for it to finish, or give this run another name: "
                    "running both would send every conversation twice."
                )
            time.sleep(0.05)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases its lock
            self._handle = None

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
