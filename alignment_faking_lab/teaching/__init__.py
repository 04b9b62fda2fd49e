"""Teaching: the walkthrough's steps, the handout, findings and glossary (each claim with its
section), the classroom rules (what is hidden from whom), scratchpad highlights, links.

May import every layer below it, up to `analysis`.
"""
