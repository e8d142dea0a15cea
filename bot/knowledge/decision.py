"""Whether a message's knowledge matches answer it, given what the classifier read: the one rule
the assistant (actions/words_first.py) and the owner's "试一试" box (bot/console/knowledge_page.py)
both follow."""

from __future__ import annotations

from typing import Optional, Sequence

from bot.behaviours import DATA_INTENT_SURE, DATA_INTENTS, UNSURE_BELOW, UNSURE_INTENTS
from bot.knowledge.matching import KnowledgeMatch


def classifier_unsure(intent: Optional[str], confidence: float) -> bool:
    """The classifier had no intent it was sure of (bot/behaviours.py: UNSURE_BELOW)."""
    return intent in UNSURE_INTENTS or confidence < UNSURE_BELOW


def knowledge_answers(matches: Sequence[KnowledgeMatch], intent: Optional[str], confidence: float) -> bool:
    """By a keyword always (the owner's deliberate words, e.g. 保价 is never a bargain), by
    similarity only where the classifier was unsure; an answer from the shop's data the classifier
    is sure of keeps priority unless the entry overrides it."""
    if not matches or (matches[0].keyword is None and not classifier_unsure(intent, confidence)):
        return False
    data_answer_fits = intent in DATA_INTENTS and confidence >= DATA_INTENT_SURE
    return not data_answer_fits or matches[0].entry.overrides_intents
