"""Whether a missed message would now get an entry's answer (the mining page hides it then): the
assistant's own rule, bot/knowledge/decision.py (pure)."""

from __future__ import annotations

from bot.knowledge.decision import knowledge_answers as entry_answers
from bot.knowledge.matching import KnowledgeMatch
from bot.models import KnowledgeEntry

ENTRY = KnowledgeEntry(key="recycle", question="可以回收旧衣服吗", answer="亲，暂时没有旧衣回收哦～")
NEAR = [KnowledgeMatch(ENTRY, 0.9)]
BY_KEYWORD = [KnowledgeMatch(ENTRY, 1.4, keyword="回收")]


def test_a_near_question_answers_only_where_the_classifier_was_unsure() -> None:
    assert entry_answers(NEAR, "nlu_fallback", 0.9)
    assert entry_answers(NEAR, "return_exchange", 0.5)
    assert not entry_answers(NEAR, "return_exchange", 0.9)
    assert not entry_answers([], "nlu_fallback", 0.2)


def test_a_keyword_answers_unless_a_sure_data_intent_keeps_priority() -> None:
    assert entry_answers(BY_KEYWORD, "ask_product_info", 0.95)
    assert not entry_answers(BY_KEYWORD, "ask_product_info", 0.99)
    overriding = [KnowledgeMatch(ENTRY.copy(update={"overrides_intents": True}), 1.4, keyword="回收")]
    assert entry_answers(overriding, "ask_product_info", 0.99)
