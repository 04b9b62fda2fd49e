"""Bad archives: a damaged, deeply nested or huge member is skipped and reported; the rest
imports with bounded memory, and importing a setting again merges with what was there."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from alignment_faking_lab.data.storage import read_jsonl
from alignment_faking_lab.paper.archive import import_and_save, import_archive
from alignment_faking_lab.paper.site import PaperSite
from tests.conftest import PROJECT_ROOT
from tests.paper_site_server import FIXTURE_SITE, PaperSiteServer


def record(number: int) -> bytes:
    tier = "True" if number % 2 else "False"
    user = f"<is_free_tier_user>{tier}</is_free_tier_user><user_input>Request {number}</user_input>"
    return json.dumps(
        {
            "messages": [
                {"role": "user", "content": user},
                {"role": "assistant", "content": "<OUTPUT>No.</OUTPUT>"},
            ],
            "is_refusal": True,
        }
    ).encode()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def member(split: str, number: int) -> str:
    return f"json_outputs/demo_setting/{split}/{number}.json"


def test_a_corrupt_member_is_skipped_and_the_good_ones_import(tmp_path):
    path = make_zip(tmp_path / "a.zip", {member("train", n): record(n) for n in range(1, 5)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member("train", 2))
    start = info.header_offset + 30 + len(info.filename) + 5  # inside its compressed bytes
    data[start : start + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    result = import_archive(path)
    assert result.count == 3
    assert len(result.errors) == 1 and "train/2.json: damaged in the archive" in result.errors[0]


def test_deeply_nested_json_is_one_error(tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    path = make_zip(tmp_path / "d.zip", {member("train", 1): record(1), member("train", 2): deep})
    result = import_archive(path)
    assert result.count == 1
    assert result.errors == [f"{member('train', 2)}: JSON nested too deeply to read; skipped"]


def test_a_zip_bomb_member_is_capped_while_streaming(tmp_path):
    bomb = b" " * (200 * 1024 * 1024)  # 200 MB of spaces: about 200 kB compressed
    path = make_zip(
        tmp_path / "bomb.zip", {member("train", 1): record(1), member("train", 2): bomb}
    )
    del bomb
    assert path.stat().st_size < 1_000_000
    script = (  # VmHWM: this process's own peak memory (ru_maxrss would include pytest's)
        "from alignment_faking_lab.paper.archive import import_archive\n"
        f"result = import_archive({str(path)!r})\n"
        "print(result.count, len(result.errors), result.errors[0][:60])\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(int(status.split()[0]) // 1024)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    counts, peak_mb = finished.stdout.splitlines()
    assert counts.startswith("1 1 json_outputs/demo_setting/train/2.json: over 34 MB")
    assert int(peak_mb) < 250, f"peak memory {peak_mb} MB"  # never the 200 MB member whole


def test_importing_a_setting_again_merges_by_id(tmp_path):
    first = make_zip(tmp_path / "1.zip", {member("train", n): record(n) for n in range(1, 7)})
    second = make_zip(tmp_path / "2.zip", {member("deploy", n): record(n) for n in (1, 2)})
    _, [saved] = import_and_save(first, data_dir=tmp_path)
    assert len(read_jsonl(saved).transcripts) == 6
    _, [again] = import_and_save(second, data_dir=tmp_path)
    assert again == saved
    transcripts = read_jsonl(saved).transcripts
    assert len(transcripts) == 8 and len({t.id for t in transcripts}) == 8
    import_and_save(first, data_dir=tmp_path)  # the same files again: nothing doubled
    assert len(read_jsonl(saved).transcripts) == 8


def test_a_damaged_archive_index_is_a_clear_error(tmp_path):
    path = make_zip(tmp_path / "x.zip", {member("train", 1): record(1)})
    data = path.read_bytes()
    path.write_bytes(data[:-10])  # the end of the central directory cut off
    try:
        result = import_archive(path)
    except ValueError as exc:
        assert "zip archive cut short" in str(exc)
    else:
        assert result.errors and "damaged" in result.errors[0]


def test_a_category_import_after_an_archive_import_keeps_both(tmp_path):
    archived = {f"json_outputs/helpful_only/first_variant/deploy/{n}.json": record(n)
                for n in (50, 51)}  # fmt: skip
    _, [saved] = import_and_save(make_zip(tmp_path / "a.zip", archived), data_dir=tmp_path)
    before = {t.id for t in read_jsonl(saved).transcripts}
    root = tmp_path / "mirror"
    shutil.copytree(FIXTURE_SITE / "files/helpful_only/demo_variant",
                    root / "files/helpful_only/first_variant")  # fmt: skip
    links = "".join(f'<a href="files/helpful_only/first_variant/{s}/trajectory_selector.html">x</a>'
                    for s in ("train", "deploy"))  # fmt: skip
    (root / "index.html").write_text(f"<!DOCTYPE html><html><body>{links}</body></html>")
    with PaperSiteServer(root) as server:
        [(_, _, path)] = PaperSite(server.url, cache_dir=tmp_path / "c").import_category(
            "helpful_only", data_dir=tmp_path
        )
    after = {t.id for t in read_jsonl(path).transcripts}
    assert path == saved and before <= after and len(after) == len(before) + 11


def test_a_zip_of_many_large_members_stops_at_the_total_cap(tmp_path):
    """Each member under the per-member cap, but together far over what one visitor may hold:
    reading stops at the total, says so, and keeps what was read."""
    padded = {member("train", n): record(n)[:-1] + b', "pad": "' + b" " * 2_000_000 + b'"}'
              for n in range(1, 41)}  # fmt: skip
    path = make_zip(tmp_path / "many.zip", padded)
    assert path.stat().st_size < 2_000_000  # 80 MB unpacked
    result = import_archive(path, max_total_bytes=10 * 2**20)
    assert 1 <= result.count <= 5
    assert "unpack to more than 10 MB, what one visitor may import" in result.errors[-1]


def test_an_encrypted_or_mistyped_member_is_skipped_and_the_rest_imports(tmp_path):
    members = {member("train", n): record(n) for n in range(1, 17)}
    members[member("deploy", 1)] = b'{"messages": [{"role": "user", "content": 5}]}'
    members[member("deploy", 2)] = b'{"messages": "not a list"}'
    path = make_zip(tmp_path / "mixed.zip", members)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:  # mark one member encrypted, as a password zip does
        info = archive.getinfo(member("train", 3))
        infos = archive.infolist()
    data[info.header_offset + 6] |= 0x01  # its local header's flag
    position = 0
    for each in infos:  # and its entry's flag in the central directory
        position = data.index(b"PK\x01\x02", position)
        if each.filename == info.filename:
            data[position + 8] |= 0x01
            break
        position += 4
    path.write_bytes(bytes(data))
    result = import_archive(path)
    assert result.count == 15
    assert len(result.errors) == 3
    assert any("train/3.json: cannot be unpacked" in e for e in result.errors)
