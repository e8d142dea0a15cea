"""What a turn's words decide before the classifier's intent is taken at its word.

Precision before recall: a person asked for by name, a delivery instruction, a bare
acknowledgement, a request for recommendations and a knowledge keyword are read from the words themselves; an intent the
classifier is not sure of is asked back (猜你想问), never answered as a guess; a policy answer's
unsure follow-up goes to a person; no reply goes out a third time. `ShopAction.run` (actions/base.py)
calls these around every action's own answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.recommend import recommend_first
from bot.behaviours import (
    ANSWER_SOURCE_SLOT,
    CLARIFY,
    FOLLOW_UP_SURE,
    HANDOFF,
    SOCIAL_BEHAVIOURS,
    UNSURE_BELOW,
    flow,
    knowledge_behaviour,
    knowledge_source,
)
from bot.handoff.rules import has_words
from bot.knowledge.decision import knowledge_answers
from bot.knowledge.matching import KnowledgeMatch, ambiguous, by_keyword_per_topic
from bot.models import HandoffReason, KnowledgeEntry
from bot.replies import chat as chat_replies
from bot.replies import handoff as handoff_replies
from bot.replies import knowledge as knowledge_replies
from bot.replies import orders as orders_replies
from bot.replies.repeats import varied
from bot.services.acknowledgement import Acknowledgement, acknowledgement, closing_words
from bot.services.evidence import (
    asks_a_question,
    asks_cancel,
    asks_for_a_person,
    gives_delivery_instruction,
    is_plain_statement,
    states_own_plan,
)
from bot.services.orders import record_delivery_note

if TYPE_CHECKING:
    from actions.base import Turn


def words_first(turn: Turn, dispatcher: CollectingDispatcher, asks_back_when_unsure: bool) -> Optional[List[EventType]]:
    """What the words alone decide, whatever intent the classifier read: a person asked for
    by name, or a message that only acknowledges, thanks or praises. None: the action answers."""
    if asks_for_a_person(turn.text) and not turn.already_handed_off():
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.buyer_asked))
        turn.behaviour = HANDOFF
        return []
    if gives_delivery_instruction(turn.text):
        # "放前台就行 谢谢" is an instruction to note, whatever else it looks like.
        order = record_delivery_note(
            turn.store, turn.buyer_id, turn.order_id, turn.conversation_id, turn.text, turn.services.clock
        )
        dispatcher.utter_message(text=orders_replies.delivery_note(order))
        turn.behaviour = flow("delivery_instruction")
        return []
    kind = acknowledgement(turn.text)
    if kind is None and turn.classifier_unsure() and states_own_plan(turn.text):
        kind = Acknowledgement.ack  # "那我明天上午来一趟吧": noted, nothing to answer
    if kind is None and turn.classifier_unsure() and is_plain_statement(turn.text):
        kind = closing_words(turn.text)  # "之前买过 就是问问 没事了 谢谢": a goodbye
    if kind is not None and not turn.awaits_cancel_answer():
        turn.say_acknowledgement(kind, dispatcher)
        return []
    # "有没有厚一点的", "100以内的裙子": the words ask for items, whatever the classifier read.
    recommended = recommend_first(turn, dispatcher)
    if recommended is not None:
        return recommended
    known = knowledge_first(turn, dispatcher)
    if known is not None:
        return known
    unsure = turn.confidence < UNSURE_BELOW or turn.top_two_close()
    if asks_back_when_unsure and unsure and not turn.siblings_sure():
        return ask_back(turn, dispatcher)
    return None


def ask_back(turn: Turn, dispatcher: CollectingDispatcher) -> List[EventType]:
    """Not sure what the buyer means: the likeliest questions as 猜你想问 buttons (a click
    sends the question's words), else a request to rephrase; the second miss in a row goes
    to a person."""
    count = turn.count_slot("unclear_count")
    turn.asked_back = True
    if count >= 1 and not turn.already_handed_off():
        dispatcher.utter_message(text=turn.hand_off(HandoffReason.not_understood))
        turn.behaviour = HANDOFF
        return [SlotSet("unclear_count", 0)]
    guesses = turn.likely_questions()
    if turn.already_handed_off():
        # A person was promised: never "小助手帮不上忙" right after "已转人工".
        dispatcher.utter_message(text=handoff_replies.already_with_a_person())
        turn.behaviour = HANDOFF
        return []
    if turn.intent == "out_of_scope":
        dispatcher.utter_message(text=chat_replies.out_of_scope())
    elif guesses:
        dispatcher.utter_message(text=chat_replies.guess_questions(), buttons=[{"title": t, "payload": t} for t in guesses])
    else:
        dispatcher.utter_message(text=chat_replies.rephrase())
    turn.behaviour = CLARIFY
    return [SlotSet("unclear_count", count + 1)]


def knowledge_first(turn: Turn, dispatcher: CollectingDispatcher) -> Optional[List[EventType]]:
    """The shop's own answer when the words ask one of its questions: by a keyword always (the
    owner's deliberate words, e.g. 保价 is never a bargain), by similarity only where the
    classifier was unsure."""
    if turn.intent == "return_exchange" and not turn.classifier_unsure() and asks_cancel(turn.text):
        if not asks_a_question(turn.text):
            return None  # "把订单取消掉 优惠券用错了" asks to cancel: the coupon is why, not what
    follow_up = topic_follow_up(turn)
    if follow_up is not None:
        return answer_from(turn, dispatcher, [follow_up.entry])
    matches = turn.services.knowledge.matches(turn.text, turn.services.now(), turn.snapshot.knowledge_version)
    if not knowledge_answers(matches, turn.intent, turn.confidence):
        # "这件寄新疆包邮吗" mentions 新疆 but asks what the shop's data answers
        return None if matches and matches[0].keyword else policy_follow_up(turn, dispatcher)
    asked = by_keyword_per_topic(matches)[:2]
    if len(asked) < 2 and ambiguous(matches):
        first, second = matches[0].entry, matches[1].entry
        dispatcher.utter_message(
            text=knowledge_replies.which_question(first, second),
            buttons=knowledge_replies.question_buttons([first, second]),
        )
        turn.behaviour = CLARIFY
        return []
    # Two topics named by their keywords ("白条能开发票吗"): two questions, both answered.
    return answer_from(turn, dispatcher, asked or [matches[0].entry])


def answer_from(turn: Turn, dispatcher: CollectingDispatcher, entries: List[KnowledgeEntry]) -> List[EventType]:
    """The entries' answers, the first one leading (the behaviour and the answer source)."""
    for entry in entries:
        dispatcher.utter_message(text=entry.answer, image=entry.image_url, buttons=knowledge_replies.quick_reply_buttons(entry))
    turn.behaviour = knowledge_behaviour(entries[0].group)
    return [SlotSet("last_topic", None), SlotSet(ANSWER_SOURCE_SLOT, knowledge_source(entries[0].key))]


def topic_follow_up(turn: Turn) -> Optional[KnowledgeMatch]:
    """Right after a shop-policy answer, a message the classifier is not sure of that uses one of
    that topic's follow-up words ("是发我邮箱吗" after the invoice answer) stays in the topic, even
    where another topic's keyword appears ("一起发" is about the invoice here, not combined orders)."""
    previous = turn.previous_behaviour or ""
    if not previous.startswith("faq:") or turn.confidence >= FOLLOW_UP_SURE:
        return None
    return turn.services.knowledge.follow_up(turn.text, previous[4:], turn.services.now(), turn.snapshot.knowledge_version)


def policy_follow_up(turn: Turn, dispatcher: CollectingDispatcher) -> Optional[List[EventType]]:
    """After a shop-policy answer, an unsure next question is most likely about the same
    policy ("那是邮寄还是发邮箱?" after the invoice answer): a person takes the details, rather
    than the nearest intent answering something else."""
    previous = turn.previous_behaviour or ""
    if not previous.startswith("faq:") or turn.confidence >= FOLLOW_UP_SURE or turn.already_handed_off():
        return None
    dispatcher.utter_message(text=turn.hand_off(HandoffReason.policy_follow_up))
    turn.behaviour = HANDOFF
    return []


def avoid_repeats(turn: Turn, dispatcher: CollectingDispatcher, behaviour: Optional[str]) -> None:
    """Never the same reply three times in a session (bot/replies/repeats.py); when only a
    person is left, ask for one."""
    if behaviour in SOCIAL_BEHAVIOURS or not has_words(turn.original_text):
        return  # greetings, thanks and short acknowledgements rotate their wordings and may recur
    for message in dispatcher.messages:
        text = message.get("text")
        if not text:
            continue
        new = varied(text, turn.said_before)
        if new is None and not turn.already_handed_off():
            new = turn.hand_off(HandoffReason.repeated_answer)
            turn.behaviour = HANDOFF
        if new is not None:
            message["text"] = new
