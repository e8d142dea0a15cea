"""What the assistant did on a turn, in the vocabulary real sessions are labelled with.

The one place that maps our actions to behaviours (`answer:<intent>`, `faq:<topic>`,
`flow:<name>`, `ack`, `clarify`, `handoff`). Every `ShopAction` records the behaviour it chose in
the `behaviour` slot each turn; an action that decides on something other than its default (a
complaint that turns out to be praise, an unclear message that goes to a person) says so there.
Later turns read it to follow the thread, and `make eval-dialogues` scores it.
"""

from __future__ import annotations

from typing import Dict, Optional

BEHAVIOUR_SLOT = "behaviour"
# `knowledge:<entry key>` when a knowledge entry answered the turn, else unset.
ANSWER_SOURCE_SLOT = "answer_source"


def knowledge_source(entry_key: str) -> str:
    return f"knowledge:{entry_key}"


# Below this confidence (or on these intents) the classifier is not taken at its word: only the
# words' own evidence (a knowledge keyword or question, an acknowledgement) or a question back.
# Calibrated on out-of-fold predictions over our own training data (python -m
# experiments.nlu.threshold_cv): the top intent is right 74% of the time at 0.60-0.65 and 82% at
# 0.65-0.70; a guess is answered only where it is right at least 4 times in 5.
UNSURE_BELOW = 0.65
UNSURE_INTENTS = ("nlu_fallback", "out_of_scope", "inform")
# Two intents closer than this are a coin toss, whatever the top one's confidence.
CLOSE_CALL = 0.1
# Intents one action answers together (action_shipping_time tells a parcel's arrival from the
# order and a dispatch or transit time otherwise): a toss-up between them is no toss-up for the
# buyer when the two are jointly sure (calibrated like UNSURE_BELOW, experiments/nlu/threshold_cv).
SIBLING_INTENTS = (("ask_shipping_time", "ask_order_status"),)
SIBLINGS_SURE = 0.8
# An intent is offered as a 猜你想问 guess when the classifier gave it at least this much.
GUESS_AT_LEAST = 0.1
# Intents answered from the shop's own data: where the classifier is this sure of one, it keeps
# priority over a knowledge keyword (an entry may override it deliberately).
DATA_INTENTS = (
    "ask_free_shipping",
    "ask_size",
    "ask_stock",
    "ask_shipping_time",
    "ask_courier",
    "ask_order_status",
    "ask_product_info",
)
DATA_INTENT_SURE = 0.97  # at 0.9, "我的发票放在哪儿了" (order status 0.91) lost its invoice answer

# The buyer intents (intents.md). A knowledge entry whose topic is one of them answers that
# intent's question from the shop's own words (退款多久到账 is a return/refund question).
INTENTS = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bargain",
    "ask_free_shipping",
    "ask_gift",
    "ask_size",
    "ask_product_info",
    "ask_stock",
    "ask_shipping_time",
    "ask_courier",
    "ask_order_status",
    "change_address",
    "return_exchange",
    "complain_quality",
    "request_human",
    "bot_challenge",
    "out_of_scope",
)


def knowledge_behaviour(topic: str) -> str:
    return answer(topic) if topic in INTENTS else faq(topic)


# Right after a shop-policy answer, a question the classifier is less sure of than this is taken
# as a follow-up on that policy (actions/base.py).
FOLLOW_UP_SURE = 0.8

ACK = "ack"
CLARIFY = "clarify"
HANDOFF = "handoff"


def answer(intent: str) -> str:
    return f"answer:{intent}"


def faq(topic: str) -> str:
    return f"faq:{topic}"


def flow(name: str) -> str:
    return f"flow:{name}"


# The default behaviour of each action (ours and Rasa's own) that can answer a buyer turn.
ACTION_BEHAVIOURS: Dict[str, str] = {
    "action_greet": answer("greet"),
    "action_goodbye": answer("goodbye"),
    "action_thank": answer("thank"),
    "action_affirm": ACK,
    "action_deny": ACK,
    "action_acknowledge": ACK,
    "action_bot_challenge": answer("bot_challenge"),
    "action_bargain": answer("bargain"),
    "action_gift": answer("ask_gift"),
    "action_free_shipping": answer("ask_free_shipping"),
    "action_product_info": answer("ask_product_info"),
    "action_stock": answer("ask_stock"),
    "action_shipping_time": answer("ask_shipping_time"),
    "action_courier": answer("ask_courier"),
    "action_order_status": answer("ask_order_status"),
    "action_change_address": answer("change_address"),
    "action_return_exchange": answer("return_exchange"),
    "action_complain_quality": answer("complain_quality"),
    "action_cancel_order": flow("cancel_order"),
    "action_delivery_instruction": flow("delivery_instruction"),
    "action_price_protection": faq("price_protection"),
    "action_recommend_size": answer("ask_size"),
    "size_form": answer("ask_size"),
    "utter_size_form_stopped": ACK,
    "action_handoff": HANDOFF,
    "action_unclear": CLARIFY,
    "action_follow_up": CLARIFY,
}

# Replies that may recur in a chat (their wordings rotate): never a loop to break.
SOCIAL_BEHAVIOURS = (ACK, answer("greet"), answer("goodbye"), answer("thank"))

# A behaviour the buyer's earlier question can be continued in ("那黑色呢" after a stock answer).
TOPIC_BEHAVIOURS: Dict[str, str] = {
    "order_status": answer("ask_order_status"),
    "change_address": answer("change_address"),
    "return_exchange": answer("return_exchange"),
    "complain_quality": answer("complain_quality"),
    "free_shipping": answer("ask_free_shipping"),
    "courier": answer("ask_courier"),
    "product_info": answer("ask_product_info"),
    "stock": answer("ask_stock"),
    "sizing": answer("ask_size"),
}


def behaviour_of_action(action_name: str) -> Optional[str]:
    return ACTION_BEHAVIOURS.get(action_name)
