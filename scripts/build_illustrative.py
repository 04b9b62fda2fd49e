"""Regenerate sample_data/illustrative_transcripts.jsonl from illustrative_source.toml."""

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.storage import write_jsonl
from alignment_faking_lab.protocol.illustrative import build_illustrative

if __name__ == "__main__":
    transcripts = build_illustrative()
    write_jsonl(paths.ILLUSTRATIVE_TRANSCRIPTS, transcripts)
    print(f"Wrote {len(transcripts)} transcripts to {paths.ILLUSTRATIVE_TRANSCRIPTS}")
