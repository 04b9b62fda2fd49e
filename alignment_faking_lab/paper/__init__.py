"""The paper (Greenblatt et al., arXiv:2412.14093): its published figures, its transcript site
and archive formats, its labels, the import into ordinary transcripts, and which published
figure a run can fairly be compared with.

May import `data`, `public`, `protocol` and `calling`.
"""
