"""What every benchmark script shares: the sizes argument, the corpus, timing and the table."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from make_corpus import DEFAULT_SIZES, ensure_corpus  # noqa: E402

__all__ = ["DEFAULT_SIZES", "PROJECT_ROOT", "Row", "ensure_corpus", "parser", "print_table"]


def parser(description: str) -> argparse.ArgumentParser:
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    return arguments


def best_of(function: Callable[[], object], repeat: int = 5) -> float:
    """Median seconds of `repeat` calls after one warm-up (the figure a rerun would see)."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Row:
    figure: str
    n: int | None
    value: float
    unit: str  # "s", "MB", "/s"
    target: float | None = None  # None: reported for context, no target
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """Measured over target, so below 1 meets a time or memory target; for a rate, target
        over measured, so below 1 means faster than required."""
        if self.target is None or self.value == 0:
            return None
        return self.target / self.value if self.higher_is_better else self.value / self.target

    def cells(self) -> list[str]:
        value = _format(self.value, self.unit)
        target = "" if self.target is None else ("≥ " if self.higher_is_better else "≤ ")
        target += "" if self.target is None else _format(self.target, self.unit)
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = "" if self.ratio is None else ("ok" if self.ratio <= 1 else "MISSED")
        n = "" if self.n is None else f"{self.n:,}"
        return [self.figure, n, value, target, ratio, verdict]


def _format(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:g} {unit}".strip()


def print_table(rows: list[Row], title: str) -> None:
    """A Markdown table: paste it into the README's Performance section as it is."""
    header = ["figure", "N", "measured", "target", "ratio", ""]
    lines = [header, ["---"] * len(header), *[row.cells() for row in rows]]
    print(f"\n{title}\n")
    for line in lines:
        print("| " + " | ".join(line) + " |")
    sys.stdout.flush()
