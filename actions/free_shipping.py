"""The free-shipping answer with its 凑单 suggestions, shared by the free-shipping action and a
凑单 request read from the words (actions/recommend.py). No actions.base import at run time:
words_first imports this through actions/recommend.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.replies import shipping as shipping_replies
from bot.services.products import add_ons_for_free_shipping
from bot.services.shipping import quote

if TYPE_CHECKING:
    from actions.base import Turn


def free_shipping_text(turn: Turn) -> str:
    policy = turn.shop.policy
    if turn.product is None and not turn.entity("region"):
        return shipping_replies.free_shipping_rule(policy)
    shipping = quote(policy, turn.product, turn.region, turn.buyer)
    text = shipping_replies.free_shipping(shipping, turn.product)
    gap = shipping.short_of_threshold
    if gap and not shipping.restricted:  # 凑单: what closes the gap, from the catalogue
        add_ons = add_ons_for_free_shipping(turn.store, gap, turn.product, shipping.region)
        if add_ons:
            text += shipping_replies.add_ons(add_ons, gap)
    return text
