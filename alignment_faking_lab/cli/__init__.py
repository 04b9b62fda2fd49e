"""The command line (`aflab` / `python -m alignment_faking_lab`): run, paper, validate,
judge-check; each command's module is imported only when that command runs.

Top layer beside `ui`: may import any layer below, never `ui`.
"""
