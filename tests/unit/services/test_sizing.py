"""Size recommendation against the demo catalogue's own charts and fits (in the unit tier's in-memory store)."""

from __future__ import annotations

from bot.models import Fit
from bot.services.sizing import Measurements, SizeOutcome, recommend_size
from tests.unit.memory_store import MemoryShopStore


def middle_of(row) -> Measurements:
    """A body in the middle of a chart row (charts overlap at their edges)."""
    return Measurements(
        height_cm=(row.height_cm.min + row.height_cm.max) / 2,
        weight_kg=(row.weight_kg.min + row.weight_kg.max) / 2,
    )


def test_true_to_size_item_follows_its_chart(store: MemoryShopStore, demo) -> None:
    tee = store.product("T001")
    assert tee.fit is Fit.true_to_size
    row = tee.size_chart[1]
    advice = recommend_size(tee, middle_of(row))
    assert advice.outcome is SizeOutcome.recommended
    assert advice.size == advice.chart_size == row.size


def test_runs_small_goes_one_size_up(store: MemoryShopStore, demo) -> None:
    jeans = store.product("K001")
    assert jeans.fit is Fit.runs_small
    row = jeans.size_chart[1]
    advice = recommend_size(jeans, middle_of(row))
    assert advice.chart_size == row.size
    assert advice.size == jeans.size_chart[2].size


def test_runs_large_goes_one_size_down(store: MemoryShopStore, demo) -> None:
    hoodie = store.product("W001")
    assert hoodie.fit is Fit.runs_large
    row = hoodie.size_chart[2]
    advice = recommend_size(hoodie, middle_of(row))
    assert advice.size == hoodie.size_chart[1].size


def test_the_largest_measure_decides(store: MemoryShopStore, demo) -> None:
    tee = store.product("T001")
    small, large = tee.size_chart[0], tee.size_chart[3]
    advice = recommend_size(tee, Measurements(height_cm=small.height_cm.min, weight_kg=large.weight_kg.max))
    assert advice.size == large.size


def test_bust_beyond_height_and_weight_raises_the_size(store: MemoryShopStore, demo) -> None:
    dress = store.product("D002")
    first, third = dress.size_chart[0], dress.size_chart[2]
    body = Measurements(height_cm=first.height_cm.min, weight_kg=first.weight_kg.min, bust_cm=third.bust_cm.max)
    assert recommend_size(dress, body).size == third.size


def test_missing_measurements_are_asked_for_never_guessed(store: MemoryShopStore, demo) -> None:
    advice = recommend_size(store.product("T001"), Measurements(height_cm=165))
    assert advice.outcome is SizeOutcome.missing and advice.missing == ("weight_kg",)
    assert advice.size is None


def test_outside_the_chart_is_said(store: MemoryShopStore, demo) -> None:
    tee = store.product("T001")
    assert recommend_size(tee, Measurements(height_cm=200, weight_kg=110)).outcome is SizeOutcome.above_chart
    assert recommend_size(tee, Measurements(height_cm=120, weight_kg=25)).outcome is SizeOutcome.below_chart


def test_runs_small_item_at_its_largest_size_has_no_size_up(store: MemoryShopStore, demo) -> None:
    jeans = store.product("K001")
    top = jeans.size_chart[-1]
    advice = recommend_size(jeans, Measurements(height_cm=top.height_cm.max, weight_kg=top.weight_kg.max))
    # Inside the largest row, so not above the chart; but a runs-small item has no size to go up to.
    assert advice.outcome is SizeOutcome.largest_runs_small and advice.chart_size == top.size
    beyond = Measurements(height_cm=top.height_cm.max + 1, weight_kg=top.weight_kg.max)
    assert recommend_size(jeans, beyond).outcome is SizeOutcome.above_chart


def test_bags_have_no_size(store: MemoryShopStore, demo) -> None:
    advice = recommend_size(store.product("B001"), Measurements())
    assert advice.outcome is SizeOutcome.no_chart and advice.size == "均码"
