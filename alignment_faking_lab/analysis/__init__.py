"""Analysis: statistics (intervals, paired gaps), the Results view, runs and imports beside the
paper's figures, model comparison, judge checks against human labels, and the charts.

May import every layer below it: `data`, `public`, `protocol`, `calling`, `paper`.
"""
