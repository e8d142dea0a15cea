"""Size advice and the size chart (bot/services/sizing.py)."""

from __future__ import annotations

from typing import Iterable, Optional

from bot.models import Fit, Product
from bot.services.sizing import SizeAdvice, SizeOutcome

_FIT = {
    Fit.runs_small: "这款版型偏小，建议拍大一码",
    Fit.true_to_size: "这款尺码标准，按平时的尺码拍就可以",
    Fit.runs_large: "这款版型偏大，建议拍小一码",
}


def size_advice(product: Product, advice: SizeAdvice, height: Optional[float], weight: Optional[float]) -> str:
    body = "，".join(
        x for x in (f"身高{height:g}cm" if height else "", f"体重{weight:g}kg（{weight * 2:g}斤）" if weight else "") if x
    )
    if advice.outcome is SizeOutcome.no_chart:
        size = advice.size or "均码"
        return f"亲，【{product.name}】是{size}的，不用选尺码哦～"
    if advice.outcome is SizeOutcome.above_chart:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}超出了最大码{product.sizes[-1]}的范围，"
            "怕穿着不合适，不建议拍这款哦，可以看看店里其他宽松款，或者我帮您转人工客服再确认～"
        )
    if advice.outcome is SizeOutcome.largest_runs_small:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}对应{advice.chart_size}码，这已经是最大码了；"
            f"不过这款版型偏小，{advice.chart_size}码穿着可能会偏紧，介意的话可以看看店里其他宽松款，"
            "或者我帮您转人工客服再确认～"
        )
    if advice.outcome is SizeOutcome.below_chart:
        return (
            f"亲，按【{product.name}】的尺码表，您{body}比最小码{product.sizes[0]}还要小一些，"
            f"选{product.sizes[0]}可能会偏大哦，介意的话可以再考虑下～"
        )
    if advice.outcome is SizeOutcome.recommended:
        return f"亲，根据您{body}，【{product.name}】建议拍{advice.size}码" + _fit_note(advice)
    return ask_measurements(advice.missing)


def _fit_note(advice: SizeAdvice) -> str:
    """How the item's fit moved the chart size, and the next size up only where there is one."""
    if advice.size != advice.chart_size:
        note = f"（按尺码表是{advice.chart_size}码，{_FIT[advice.fit]}）"
    elif advice.fit is Fit.runs_large:  # the chart size is already the smallest there is
        note = f"，这款版型偏大，不过{advice.size}已经是最小码了，穿着会宽松一些"
    else:
        note = f"，{_FIT[advice.fit]}"
    larger = f"；喜欢宽松一点可以拍{advice.larger_size}码" if advice.larger_size else ""
    return note + larger + "哦～"


def ask_measurements(missing: Iterable[str]) -> str:
    names = {"height_cm": "身高", "weight_kg": "体重"}
    wanted = "和".join(names[m] for m in missing if m in names) or "身高和体重"
    return f"亲，方便告诉我您的{wanted}吗？比如：165cm 110斤，我按这款的尺码表帮您推荐～"


def size_chart_picture(product: Product) -> str:
    return f"亲，这是【{product.name}】的尺码表图片，可以对照着看看哦～"


def size_chart(product: Product) -> str:
    rows = [
        f"{r.size}：身高{r.height_cm.min:g}-{r.height_cm.max:g}cm，体重{r.weight_kg.min * 2:g}-{r.weight_kg.max * 2:g}斤"
        for r in product.size_chart
    ]
    return f"亲，【{product.name}】的尺码参考：\n" + "\n".join(rows)
