"""The questions nobody answered (/mining): buyer messages the assistant asked back on or handed
off, grouped by meaning (bot/mining), for owners and trainers (every console login).

From a group: an owner adds its wordings to an entry's similar questions, or starts a new entry
with them (through bot/knowledge/editing.py, as the 知识库 page /knowledge does: each change is in its
history, with who made it, and can be undone there); anyone marks its messages with an intent
for the trainers' export (bot/trainer/corrections.py). Messages a live entry now answers, or a
trainer has marked, leave the page. The store, owners and time zone come as functions, so this
module does not import bot.console.app.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Sequence, Tuple
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.answer_source import edit_url
from bot.console.auth import AgentDirectory
from bot.console.pages import Pages
from bot.knowledge.editing import KnowledgeEditor, KnowledgeNotFound
from bot.knowledge.form import KnowledgeFormError, entry_from_form
from bot.knowledge.records import KnowledgeConflict, KnowledgeRecords
from bot.labels import behaviour_label, intent_label
from bot.metrics.fold import MissedMessage
from bot.mining.mined import Mined
from bot.mining.records import missed_messages
from bot.models import KnowledgeEntry
from bot.store import ShopStore
from bot.trainer.corrections import CorrectionError, mark_message
from bot.trainer.records import CorrectionRecords
from bot.trainer.vocabulary import Vocabulary

PERIODS = (7, 30)  # days the page looks back
MAX_TEXTS = 200  # wordings one click may add
KEYWORD_SEPARATORS = re.compile(r"[\s,，、;；]+")

_pages = Pages()


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


class BadRequest(Exception):
    """A request the page cannot act on; its message is what the person is told."""


def mining_routes(
    store_of: Callable[[web.Request], ShopStore],
    owners_of: Callable[[web.Request], AgentDirectory],
    zone_of: Callable[[web.Request], str],
) -> List[web.RouteDef]:
    def now_of(request: web.Request) -> datetime:
        return datetime.now(ZoneInfo(zone_of(request)))

    def editor_of(request: web.Request) -> KnowledgeEditor:
        store = store_of(request)
        return KnowledgeEditor(KnowledgeRecords(store.client, store.shop_id))

    def is_owner(request: web.Request) -> bool:
        return request.get("agent") in owners_of(request)

    async def page(request: web.Request) -> web.Response:
        days = 7 if request.query.get("days") == "7" else 30
        now = now_of(request)
        mined = await asyncio.to_thread(Mined, store_of(request), now - timedelta(days=days), now + timedelta(seconds=1), now)
        intents = sorted(Vocabulary.from_domain().intents - {"nlu_fallback"}, key=intent_label)
        return _pages.render(
            "mining.html",
            agent=request["agent"],
            owner=is_owner(request),
            days=days,
            periods=PERIODS,
            mined=mined,
            intents=[(name, intent_label(name)) for name in intents],
            clarify_label=behaviour_label("clarify"),
            handoff_label=behaviour_label("handoff"),
        )

    async def texts_of(request: web.Request) -> Tuple[Dict[str, Any], List[MissedMessage]]:
        """The body and the missed messages of the last 30 days it names (by their words)."""
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("请求格式不对")
        texts = body.get("texts") if isinstance(body, Mapping) else None
        if not isinstance(texts, list) or not texts or len(texts) > MAX_TEXTS or not all(isinstance(t, str) for t in texts):
            raise BadRequest("请选择要处理的问题")
        store, now = store_of(request), now_of(request)
        messages = await asyncio.to_thread(
            missed_messages, store.client, now - timedelta(days=max(PERIODS)), now + timedelta(seconds=1)
        )
        wanted = set(texts)
        found = [m for m in messages if m.text in wanted]
        if {m.text for m in found} != wanted:
            raise BadRequest("有的问题不在近30天没答上的问题里，请刷新页面再试")
        return dict(body), found

    async def add_similar(request: web.Request) -> web.Response:
        if not is_owner(request):
            return _error("只有店主账号可以修改知识库", 403)
        body, found = await texts_of(request)
        editor = editor_of(request)

        def add() -> KnowledgeEntry:
            entry = editor.records.entry(str(body.get("entry") or ""))
            if entry is None:
                raise KnowledgeNotFound(str(body.get("entry")))
            known = {entry.question, *entry.similar}
            added = [t for t in _distinct(found) if t not in known]
            updated = KnowledgeEntry.parse_obj({**entry.dict(), "similar": [*entry.similar, *added]})
            editor.update(updated, by=request["agent"])  # kept in the 知识库 history: undone there
            return updated

        try:
            entry = await asyncio.to_thread(add)
        except KnowledgeNotFound:
            return _error("没有这个知识库条目，请刷新页面再试", 404)
        except KnowledgeConflict:
            return _error("这个条目刚被别人改过，请刷新页面再试", 409)
        return web.json_response(
            {"entry": entry.key, "question": entry.question, "similar": len(entry.similar), "edit_url": edit_url(entry.key)}
        )

    async def new_entry(request: web.Request) -> web.Response:
        if not is_owner(request):
            return _error("只有店主账号可以修改知识库", 403)
        body, found = await texts_of(request)
        texts = _distinct(found)
        question = str(body.get("question") or "").strip() or texts[0]
        form = {
            "question": question,
            "answer": body.get("answer"),
            "similar": [t for t in texts if t != question],
            "keywords": [k for k in KEYWORD_SEPARATORS.split(str(body.get("keywords") or "")) if k],
            "enabled": bool(body.get("enabled")),
        }
        try:  # validated as the 知识库 page's form is, the problem told in Chinese
            entry = entry_from_form(form, ZoneInfo(zone_of(request)))
        except KnowledgeFormError as error:
            return _error(str(error))
        try:
            await asyncio.to_thread(editor_of(request).add, entry, request["agent"])
        except KnowledgeConflict:
            return _error("条目编号冲突，请再点一次", 409)
        return web.json_response(
            {"entry": entry.key, "question": entry.question, "enabled": entry.enabled, "edit_url": edit_url(entry.key)},
            status=201,
        )

    async def mark_intent(request: web.Request) -> web.Response:
        body, found = await texts_of(request)
        intent = str(body.get("intent") or "")
        store = store_of(request)
        marks = CorrectionRecords(store.client, store.shop_id)

        def mark_all() -> int:
            vocabulary = Vocabulary.from_domain()
            for m in found:
                mark_message(
                    marks,
                    conversation_id=m.conversation_id,
                    text=m.text,
                    correct_intent=intent,
                    corrected_by=request["agent"],
                    message_id=m.message_id,
                    event_timestamp=m.timestamp,
                    predicted_intent=m.intent,
                    predicted_confidence=m.confidence,
                    vocabulary=vocabulary,
                )
            return len(found)

        if intent not in Vocabulary.from_domain().intents:
            return _error("请选择一个意图")
        try:
            marked = await asyncio.to_thread(mark_all)
        except CorrectionError:
            return _error("有的消息没能标注，请刷新页面再试")
        return web.json_response({"marked": marked, "intent": intent, "label": intent_label(intent)})

    def answering(handler: Callable[[web.Request], Awaitable[web.Response]]) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def answer(request: web.Request) -> web.Response:
            try:
                return await handler(request)
            except BadRequest as error:
                return _error(str(error))

        return answer

    return [
        web.get("/mining", page),
        web.post("/api/mining/similar", answering(add_similar)),
        web.post("/api/mining/entry", answering(new_entry)),
        web.post("/api/mining/intent", answering(mark_intent)),
    ]


def _distinct(messages: Sequence[MissedMessage]) -> List[str]:
    return list(dict.fromkeys(m.text for m in messages))
