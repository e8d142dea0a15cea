"""The bargaining ladder: hold the price, then the free-shipping rule, then a gift where allowed.

The shop never gives a discount it did not set: the only money off is the returning-customer
coupon in the policy, offered to returning customers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from bot.models import Buyer, Policy, Product
from bot.services.customers import is_returning
from bot.services.shipping import FeeReason, ShippingQuote, quote


class BargainStep(str, Enum):
    hold_price = "hold_price"  # first ask: 实价销售
    free_shipping = "free_shipping"  # second ask: the free-shipping rule
    gift = "gift"  # third ask: a small gift where the shop allows it
    hold_firm = "hold_firm"  # any further ask: the same answer, politely


@dataclass(frozen=True)
class ReturningPerks:
    free_shipping: bool  # only when the shipping quote for this order really is free by the perk
    coupon_yuan: float
    gift: str


@dataclass(frozen=True)
class BargainReply:
    step: BargainStep
    ask_number: int
    price: Optional[float]
    shipping: ShippingQuote
    gift: Optional[str]  # the gift the shop allows for this order, if any
    gift_min_amount: float
    perks: Optional[ReturningPerks]


def respond(
    policy: Policy,
    product: Optional[Product],
    buyer: Optional[Buyer],
    ask_number: int,
    region: Optional[str] = None,
) -> BargainReply:
    """The answer to the buyer's `ask_number`-th request for a lower price (1-based)."""
    shipping = quote(policy, product, region, buyer)
    price = product.price if product else None
    gift_ok = policy.gift.allowed and (price is None or price >= policy.gift.min_order_amount)
    if ask_number <= 1:
        step = BargainStep.hold_price
    elif ask_number == 2:
        step = BargainStep.free_shipping
    elif ask_number == 3 and gift_ok:
        step = BargainStep.gift
    else:
        step = BargainStep.hold_firm
    return BargainReply(
        step=step,
        ask_number=ask_number,
        price=price,
        shipping=shipping,
        gift=policy.gift.description if policy.gift.allowed else None,
        gift_min_amount=policy.gift.min_order_amount,
        perks=_returning_perks(policy, buyer, shipping),
    )


def _returning_perks(policy: Policy, buyer: Optional[Buyer], shipping: ShippingQuote) -> Optional[ReturningPerks]:
    """The policy's perks for a returning buyer; free shipping only where the quote agrees."""
    if not is_returning(buyer, policy):
        return None
    rule = policy.returning_customer
    free_shipping = shipping.reason is FeeReason.returning_customer and not shipping.restricted
    return ReturningPerks(free_shipping, rule.coupon_yuan, rule.gift)
