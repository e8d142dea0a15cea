"""Where each of the assistant's answers came from, for the agent who reviews a chat: the intent
and the action (in Chinese), or the knowledge entry (by its standard question, linked to the
知识库 page). Read from the tracker: an action's `behaviour` and `answer_source` slots follow
its messages (Rasa logs the action, then its events)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from bot.behaviours import ANSWER_SOURCE_SLOT, BEHAVIOUR_SLOT, behaviour_of_action
from bot.labels import behaviour_label, intent_label
from bot.models import Model

KNOWLEDGE_PREFIX = "knowledge:"


class AnswerSource(Model):
    text: str  # what the agent reads
    action: Optional[str] = None  # the action's own name (the line's tooltip, for trainers)
    entry_key: Optional[str] = None  # a knowledge entry: the page that edits it
    edit_url: Optional[str] = None


def edit_url(entry_key: str) -> str:
    return f"/knowledge?edit={entry_key}"


def _source(
    action: Optional[str], slots: Dict[str, Any], intent: Optional[Dict[str, Any]], questions: Mapping[str, str]
) -> AnswerSource:
    origin = slots.get(ANSWER_SOURCE_SLOT) or ""
    if origin.startswith(KNOWLEDGE_PREFIX):
        key = origin[len(KNOWLEDGE_PREFIX) :]
        question = questions.get(key)
        text = f"知识库：「{question}」" if question else "知识库（这条知识已删除）"
        return AnswerSource(text=text, action=action, entry_key=key, edit_url=edit_url(key) if question else None)
    behaviour = slots.get(BEHAVIOUR_SLOT) or behaviour_of_action(action or "")
    parts = []
    if intent and intent.get("name"):
        parts.append(f"意图「{intent_label(intent['name'])}」（把握 {float(intent.get('confidence') or 0):.0%}）")
    parts.append(behaviour_label(behaviour) if behaviour else "机器人默认回复")
    return AnswerSource(text=" → ".join(parts), action=action)


def answer_sources(events: List[Dict[str, Any]], questions: Mapping[str, str]) -> Dict[int, AnswerSource]:
    """The source of each assistant message, by its position in `events`."""
    found: Dict[int, AnswerSource] = {}
    intent: Optional[Dict[str, Any]] = None
    action: Optional[str] = None
    lines: List[int] = []
    slots: Dict[str, Any] = {}

    def close() -> None:
        for position in lines:
            found[position] = _source(action, slots, intent, questions)

    for position, event in enumerate(events):
        kind = event.get("event")
        if kind in ("action", "user"):
            close()
            lines, slots, action = [], {}, event.get("name") if kind == "action" else None
            if kind == "user":
                intent = (event.get("parse_data") or {}).get("intent")
        elif kind == "bot" and event.get("text") is not None and not (event.get("metadata") or {}).get("agent"):
            lines.append(position)
        elif kind == "slot" and event.get("name") in (BEHAVIOUR_SLOT, ANSWER_SOURCE_SLOT):
            slots[event["name"]] = event.get("value")
    close()
    return found


def knowledge_questions(events: List[Dict[str, Any]], question_of: Any) -> Dict[str, str]:
    """The standard questions of the entries the events name (`question_of`: key -> question or None)."""
    keys = {
        str(e.get("value"))[len(KNOWLEDGE_PREFIX) :]
        for e in events
        if e.get("event") == "slot"
        and e.get("name") == ANSWER_SOURCE_SLOT
        and str(e.get("value") or "").startswith(KNOWLEDGE_PREFIX)
    }
    return {key: question for key in keys if (question := question_of(key))}
