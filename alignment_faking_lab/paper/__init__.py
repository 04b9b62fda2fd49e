"""The paper (Greenblatt et al., arXiv:2412.14093): its published figures, its transcript site
and archive formats, its labels, the import into ordinary transcripts, and the check of its
reported figures against rates recomputed from its transcripts."""
