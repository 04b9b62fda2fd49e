"""The public deployment's defences: local or public mode and the owner's settings, the gate on
the owner's key (access, per-visitor caps, daily budget), the guard on visitor-typed addresses,
and downloads with deadlines, size caps and checks.

May import `data` only.
"""
