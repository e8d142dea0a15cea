"""Size recommendation from the item's own chart, adjusted for how the item fits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import List, Optional, Tuple

from bot.models import Fit, Product, SizeChartRow


@dataclass(frozen=True)
class Measurements:
    height_cm: Optional[float] = None
    weight_kg: Optional[float] = None
    bust_cm: Optional[float] = None
    waist_cm: Optional[float] = None


class SizeOutcome(str, Enum):
    recommended = "recommended"
    missing = "missing"  # height or weight not given yet
    no_chart = "no_chart"  # bags, fans: one size
    above_chart = "above_chart"  # the body is beyond the largest size's row
    below_chart = "below_chart"
    # The body fits the largest size's row, but the item runs small and there is no size above it.
    largest_runs_small = "largest_runs_small"


@dataclass(frozen=True)
class SizeAdvice:
    outcome: SizeOutcome
    size: Optional[str] = None
    chart_size: Optional[str] = None  # what the chart alone says, before the fit adjustment
    fit: Fit = Fit.true_to_size
    missing: Tuple[str, ...] = ()
    larger_size: Optional[str] = None  # the next size up from `size`, when the item has one


REQUIRED = ("height_cm", "weight_kg")


def _row_index(rows: List[SizeChartRow], measure: str, value: float) -> Optional[int]:
    """The smallest row whose range reaches `value`; -1 below the chart, None above it."""
    ranges = [getattr(row, measure) for row in rows]
    known = [(i, r) for i, r in enumerate(ranges) if r is not None]
    if not known:
        return 0
    if value < known[0][1].min:
        return -1
    for index, body_range in known:
        if value <= body_range.max:
            return index
    return None


def recommend_size(product: Product, body: Measurements) -> SizeAdvice:
    if not product.size_chart:
        return SizeAdvice(SizeOutcome.no_chart, size=product.sizes[0] if product.sizes else None)
    missing = tuple(name for name in REQUIRED if getattr(body, name) is None)
    if missing:
        return SizeAdvice(SizeOutcome.missing, fit=product.fit, missing=missing)
    rows = product.size_chart
    indices = []
    for measure in ("height_cm", "weight_kg", "bust_cm", "waist_cm"):
        value = getattr(body, measure)
        if value is None:
            continue
        index = _row_index(rows, measure, value)
        if index is None:
            return SizeAdvice(SizeOutcome.above_chart, fit=product.fit)
        indices.append(index)
    if all(i == -1 for i in indices):
        return SizeAdvice(SizeOutcome.below_chart, fit=product.fit)
    # The garment must fit the body's largest measure.
    chart_index = max(max(indices), 0)
    adjusted = chart_index
    if product.fit is Fit.runs_small:
        adjusted += 1
    elif product.fit is Fit.runs_large and chart_index > 0:
        adjusted -= 1
    if adjusted >= len(rows):
        return SizeAdvice(SizeOutcome.largest_runs_small, chart_size=rows[chart_index].size, fit=product.fit)
    return SizeAdvice(
        SizeOutcome.recommended,
        size=rows[adjusted].size,
        chart_size=rows[chart_index].size,
        fit=product.fit,
        larger_size=rows[adjusted + 1].size if adjusted + 1 < len(rows) else None,
    )
