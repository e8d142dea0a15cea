"""导购: a message whose words ask for items gets items from the catalogue (bot/services/recommend.py),
whatever product or stock question the classifier took it for. Called from words_first."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.behaviours import CLARIFY, UNSURE_BELOW, UNSURE_INTENTS, answer
from bot.models import Product
from bot.replies import recommend as recommend_replies
from bot.replies import shipping as shipping_replies
from bot.replies.cards import product_card
from bot.services import recommend as rules
from bot.services.products import add_ons_for_quote, resolve_product
from bot.services.shipping import quote

if TYPE_CHECKING:
    from actions.base import Turn

# What the classifier reads recommendation requests as (checked on the trained model: 有没有厚一点的
# and 这两件哪个好 are product questions, 送妈妈的买什么好 a gift question, 100以内的裙子有吗 a bargain
# at 0.53). A sure answer of any other intent (size, shipping, orders) keeps its own answer.
RECOMMEND_FROM = ("ask_product_info", "ask_stock", "ask_gift", "bargain", *UNSURE_INTENTS)


def _may_recommend(turn: Turn) -> bool:
    return turn.intent in RECOMMEND_FROM or turn.confidence < UNSURE_BELOW


def products_in_chat(turn: Turn, limit: int = 2) -> List[Product]:
    """The items this message names, then the items the chat was about, latest first."""
    candidates: List[Optional[str]] = list(turn.tracker.get_latest_entity_values("product"))
    candidates.append(turn.metadata.get("item_id"))
    session: List[Optional[str]] = []
    for event in turn.tracker.events:
        if event.get("event") == "session_started":
            session = []
        elif event.get("event") == "slot" and event.get("name") == "current_product":
            session.append(event.get("value"))
    candidates += [*reversed(session), turn.slot("current_product")]
    found: List[Product] = []
    for candidate in candidates:
        product = resolve_product(turn.store, candidate)
        if product is not None and product.sku not in {p.sku for p in found}:
            found.append(product)
    return found[:limit]


def recommend_first(turn: Turn, dispatcher: CollectingDispatcher) -> Optional[List[EventType]]:
    """Recommendations, a comparison or 凑单 when the words ask for one; None: the action answers."""
    if not _may_recommend(turn):
        return None
    if rules.asks_for_add_ons(turn.text):
        if turn.product is None:
            return None  # no item, no gap to close: the action answers (or asks back)
        # "帮我凑个单": the free-shipping answer for the item in the chat, and what closes its gap.
        shipping = quote(turn.shop.policy, turn.product, turn.region, turn.buyer)
        extras = add_ons_for_quote(turn.store, shipping, turn.product)
        dispatcher.utter_message(text=shipping_replies.free_shipping_with_add_ons(shipping, turn.product, extras))
        turn.behaviour = answer("ask_free_shipping")
        return []
    size = turn.entity("size") or turn.slot("size")
    if rules.asks_to_compare(turn.text):
        two = products_in_chat(turn)
        if len(two) < 2:
            dispatcher.utter_message(text=recommend_replies.ask_which_two())
            turn.behaviour = CLARIFY
        else:
            dispatcher.utter_message(text=recommend_replies.comparison(two[0], two[1], size))
            turn.behaviour = answer("ask_product_info")
        return []
    products = turn.store.products()
    catalogue_tags = sorted({tag for p in products for tag in p.tags})
    viewed = turn.product
    ask = rules.read_ask(turn.text, catalogue_tags, turn.entity("colour"), size, viewed)
    if rules.asks_for_recommendation(turn.text, ask, viewed):
        found = rules.recommend(products, ask, viewed, turn.region)
        categories = list(dict.fromkeys(p.category for p in products))
        dispatcher.utter_message(text=recommend_replies.recommendations(found, categories))
        for match in found.items or ([found.nearest] if found.nearest else []):
            card = product_card(match.product)
            if card:
                dispatcher.utter_message(attachment=card)
        turn.behaviour = answer("ask_product_info")
        return []
    if rules.asks_vaguely(turn.text, ask):
        dispatcher.utter_message(text=recommend_replies.ask_what_kind())
        turn.behaviour = CLARIFY
        return []
    return None
