"""Free shipping, couriers, regional restrictions and the same-day dispatch cut-off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, Dict, Optional, Tuple

from bot.models import Buyer, Courier, Policy, Product
from bot.services.customers import is_returning


class FeeReason(str, Enum):
    threshold_met = "threshold_met"
    below_threshold = "below_threshold"
    excluded_region = "excluded_region"
    returning_customer = "returning_customer"
    region_unknown = "region_unknown"


@dataclass(frozen=True)
class ShippingQuote:
    region: Optional[str]
    free: bool
    fee: float
    reason: FeeReason
    threshold: float
    courier: Courier
    restricted: bool = False  # this item cannot go to this region by the default courier
    restriction_reason: str = ""
    excluded_regions: Tuple[str, ...] = ()  # regions the free-shipping threshold never covers
    short_of_threshold: Optional[float] = None  # below the threshold: how much more reaches it


def is_restricted(product: Optional[Product], region: Optional[str]) -> bool:
    """The item cannot be sent to the region at all (e.g. batteries by the default courier)."""
    return bool(product and region and region in product.restricted_regions)


def quote(
    policy: Policy,
    product: Optional[Product],
    region: Optional[str],
    buyer: Optional[Buyer] = None,
    amount: Optional[float] = None,
) -> ShippingQuote:
    """Shipping for `product` (or an order `amount`) to `region` (or the buyer's own region)."""
    region = region or (buyer.region if buyer else None) or None
    amount = amount if amount is not None else (product.price if product else None)
    restricted = is_restricted(product, region)
    common: Dict[str, Any] = dict(  # the fields every quote shares
        region=region,
        threshold=policy.free_shipping_threshold,
        courier=policy.default_courier,
        restricted=restricted,
        restriction_reason=product.restriction_reason if restricted and product else "",
        excluded_regions=tuple(policy.free_shipping_excluded_regions),
    )
    fee = policy.default_courier.fee
    if region and region in policy.free_shipping_excluded_regions:
        return ShippingQuote(free=False, fee=fee, reason=FeeReason.excluded_region, **common)
    if is_returning(buyer, policy) and policy.returning_customer.free_shipping:
        return ShippingQuote(free=True, fee=0.0, reason=FeeReason.returning_customer, **common)
    if amount is not None and amount >= policy.free_shipping_threshold:
        reason = FeeReason.threshold_met if region else FeeReason.region_unknown
        return ShippingQuote(free=True, fee=0.0, reason=reason, **common)
    short = round(policy.free_shipping_threshold - amount, 2) if amount is not None else None
    return ShippingQuote(free=False, fee=fee, reason=FeeReason.below_threshold, short_of_threshold=short, **common)


@dataclass(frozen=True)
class CourierOptions:
    default: Courier
    upgrades: Tuple[Courier, ...]
    restricted: bool
    restriction_reason: str
    region: Optional[str]


def courier_options(policy: Policy, product: Optional[Product], region: Optional[str]) -> CourierOptions:
    restricted = is_restricted(product, region)
    return CourierOptions(
        default=policy.default_courier,
        upgrades=tuple(policy.upgrade_couriers),
        restricted=restricted,
        restriction_reason=product.restriction_reason if restricted and product else "",
        region=region,
    )


def find_courier(policy: Policy, name: str) -> Optional[Courier]:
    """The policy courier a buyer named (顺丰, 圆通快递, sf…)."""
    wanted = name.strip().lower()
    for courier in (policy.default_courier, *policy.upgrade_couriers):
        if wanted and (wanted == courier.code.lower() or wanted in courier.name or courier.name[:2] in wanted):
            return courier
    return None


def dispatch_day(policy: Policy, paid_at: datetime) -> date:
    """Paid before the cut-off hour ships the same day, otherwise the next day."""
    if paid_at.hour < policy.same_day_cutoff_hour:
        return paid_at.date()
    return paid_at.date() + timedelta(days=1)


# "When do you ship?" is asked before buying (现在拍下今天能发出吗, 寄到云南要几天) and about an
# order already paid (我前天付的款怎么还没发出去). The message's own words and entities decide,
# never the mere existence of an order in the buyer's history.
BUYING_NOW_WORDS = (
    "现在拍",
    "现在下单",
    "现在买",
    "今天拍",
    "今天下单",
    "今天买",
    "晚上拍",
    "晚上下单",
    "明天拍",
    "如果",
    "要是",
    "的话",
    "几点前",
    "几点之前",
    "拍下",
    "能发出吗",
    "要几天",
    "几天到",
    "几天能到",
    "多久到",
    "多久能到",
)
ORDER_WORDS = (
    "付了",
    "付的款",
    "付款了",
    "已付",
    "已经付",
    "拍了",
    "买了",
    "下单了",
    "下了单",
    "订单",
    "还没发",
    "没发货",
    "怎么还没",
    "催一下",
    "快点发",
    "赶紧发",
    "早点发",
)


def asks_about_an_order(text: str, names_an_order: bool) -> bool:
    """Whether a shipping-time question is about an order already placed (else: buying now)."""
    if names_an_order:
        return True
    if any(word in text for word in BUYING_NOW_WORDS):
        return False
    return any(word in text for word in ORDER_WORDS)


# "今天能到吗", "明天能收到吧", "具体几点送": the parcel's arrival, which only a shipped order has.
# "几天能到西安" is how long delivery takes when buying (a transit question), not this.
_ARRIVAL = re.compile(r"(能|可以|会|才能|什么时候|几点|哪天|啥时候)(送)?(到|收到|送到|送达|签收)|到了吗|送货时间|具体时间")
_DISPATCH = ("发货", "发出", "寄出", "发走", "发吗", "拍", "下单", "现在买")


def asks_about_arrival(text: str) -> bool:
    """Whether a shipping-time question asks when a parcel arrives rather than when it leaves
    (intents.md: the parcel after it left is an order-status question)."""
    return bool(_ARRIVAL.search(text)) and not any(word in text for word in _DISPATCH)


COURIER_WORDS = ("快递", "物流", "什么递", "哪家", "邮政", "ems", "顺丰", "圆通", "中通", "申通", "韵达", "京东")


def asks_which_courier(policy: Policy, text: str) -> bool:
    """Whether a message asks which courier (and not only whether a region is served)."""
    return any(word in text for word in COURIER_WORDS) or find_courier(policy, text) is not None
