"""The study's protocol: the system prompts and their variants (ours and the paper's files), the
user turn, the conversation (prefill, `<NEXT/>`), parsing of scratchpad and output, judges,
scoring (the one rule for an outcome), request sets, the illustrative examples' builder.

May import `data` and `public`.
"""
