"""Calling models: the providers through the official SDKs (imported only when a call is made),
the models table, keys and where they may go, the reply cache, the planned run and its runner,
the cost estimate.

May import `data`, `public` and `protocol`.
"""
