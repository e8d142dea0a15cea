"""The shop's own answers (bot/knowledge/) and the question when two of them fit."""

from __future__ import annotations

from typing import Dict, List, Sequence

from bot.models import KnowledgeEntry


def button(title: str) -> Dict[str, str]:
    """A quick reply: clicking it sends its words, which are understood like typed ones."""
    return {"title": title, "payload": title}


def quick_reply_buttons(entry: KnowledgeEntry) -> List[Dict[str, str]]:
    return [button(title) for title in entry.quick_replies]


def question_buttons(entries: Sequence[KnowledgeEntry]) -> List[Dict[str, str]]:
    return [button(entry.question) for entry in entries]


def which_question(first: KnowledgeEntry, second: KnowledgeEntry) -> str:
    return f"亲，您是想问“{first.question}”，还是“{second.question}”呢？点一下就好～"
