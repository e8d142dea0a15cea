"""The owner's 知识库 page: list, search, add, edit, disable, delete the shop's knowledge entries,
a 试一试 box, and the history of changes with one-click undo.

Only owners (CONSOLE_OWNERS) may open it; an agent gets 403. A change is written through
bot/knowledge/records.py and moves the knowledge version, so every Rasa server (every replica)
rebuilds its index on its next message: effective at once, no restart.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.pages import Pages
from bot.console.rasa_client import RasaUnavailable
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.decision import classifier_unsure, knowledge_answers
from bot.knowledge.editing import AlreadyUndone, KnowledgeEditor, KnowledgeNotFound
from bot.knowledge.form import KnowledgeFormError, entry_from_form
from bot.knowledge.matching import KnowledgeMatch, ambiguous, by_keyword_per_topic
from bot.knowledge.records import KnowledgeChange, KnowledgeConflict, KnowledgeRecords
from bot.labels import fact_label, intent_label
from bot.models import KnowledgeEntry, Model

if TYPE_CHECKING:
    from bot.console.app import Console

HISTORY_SHOWN = 50
_pages = Pages()


class EntryRow(Model):
    entry: KnowledgeEntry
    state: str  # 启用 / 已停用 / 待填写 / 未生效 / 已过期
    missing: List[str] = []  # the shop facts a 待填写 entry needs, in Chinese
    valid_from_local: str = ""  # the form's times, in the shop's time zone
    valid_until_local: str = ""


class ChangeRow(Model):
    change: KnowledgeChange
    kind: str  # 新增 / 修改 / 停用 / 启用 / 删除 / 撤销
    question: str
    undone: bool


class KnowledgeList(Model):
    entries: List[EntryRow]
    history: List[ChangeRow]


class TryResult(Model):
    reached: str  # entry, choice (您是想问…还是…), intent, unsure
    summary: str  # what the owner reads
    entry_key: Optional[str] = None
    question: Optional[str] = None
    score: Optional[float] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None


def _local(moment: Optional[datetime], zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def entry_row(entry: KnowledgeEntry, now: datetime, zone: ZoneInfo) -> EntryRow:
    if entry.missing_facts:
        state = "待填写"
    elif not entry.enabled:
        state = "已停用"
    elif entry.valid_from and now < entry.valid_from:
        state = "未生效"
    elif entry.valid_until and now >= entry.valid_until:
        state = "已过期"
    else:
        state = "启用"
    return EntryRow(
        entry=entry,
        state=state,
        missing=[fact_label(f) for f in entry.missing_facts],
        valid_from_local=_local(entry.valid_from, zone),
        valid_until_local=_local(entry.valid_until, zone),
    )


def change_kind(change: KnowledgeChange) -> str:
    if change.undoes:
        return "撤销"
    if change.before is None:
        return "新增"
    if change.after is None:
        return "删除"
    if change.before.copy(update={"enabled": change.after.enabled}) == change.after:
        return "启用" if change.after.enabled else "停用"
    return "修改"


def _question(change: KnowledgeChange) -> str:
    entry = change.after or change.before
    return entry.question if entry else change.key


def change_rows(history: Sequence[KnowledgeChange]) -> List[ChangeRow]:
    undone = {c.undoes for c in history if c.undoes}
    return [
        ChangeRow(change=c, kind=change_kind(c), question=_question(c), undone=c.id in undone) for c in history[:HISTORY_SHOWN]
    ]


def try_result(matches: Sequence[KnowledgeMatch], intent: Optional[str], confidence: float) -> TryResult:
    """Where a sample question goes, by the assistant's own rule (bot/knowledge/decision.py)."""
    if knowledge_answers(matches, intent, confidence):
        asked = by_keyword_per_topic(matches)[:2]
        if len(asked) < 2 and ambiguous(matches):
            first, second = matches[0].entry, matches[1].entry
            return TryResult(
                reached="choice", summary=f"两条知识都很像，会问买家：您是想问「{first.question}」还是「{second.question}」？"
            )
        match = next(m for m in matches if m.entry == (asked or [matches[0].entry])[0])
        how = f"关键词「{match.keyword}」命中" if match.keyword else f"与问法的相似度 {match.score:.0%}"
        return TryResult(
            reached="entry",
            summary=f"知识库：「{match.entry.question}」（{how}）",
            entry_key=match.entry.key,
            question=match.entry.question,
            score=round(match.score, 3),
        )
    if intent is None:
        return TryResult(reached="unsure", summary="没有命中知识库；意图识别暂时不可用（Rasa 服务器没有响应）")
    label, sure = intent_label(intent), f"{confidence:.0%}"
    if classifier_unsure(intent, confidence):
        summary = f"没有命中知识库；意图不确定（最像「{label}」，把握 {sure}），机器人会追问买家"
        return TryResult(reached="unsure", summary=summary, intent=intent, confidence=round(confidence, 3))
    summary = f"意图：{label}（把握 {sure}）"
    if matches and matches[0].keyword:
        summary += f"；也命中了知识「{matches[0].entry.question}」的关键词，但店铺数据的回答优先"
    return TryResult(reached="intent", summary=summary, intent=intent, confidence=round(confidence, 3))


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def knowledge_routes(console_of: Callable[[web.Request], "Console"]) -> List[web.RouteDef]:
    bases: Dict[Any, KnowledgeBase] = {}  # one index per shop, rebuilt when the version moves

    def records_of(request: web.Request) -> KnowledgeRecords:
        store = console_of(request).store
        return KnowledgeRecords(store.client, store.shop_id)

    def owner(request: web.Request) -> str:
        if request.get("agent") not in console_of(request).owners:
            raise web.HTTPForbidden(text="只有店主账号可以编辑知识库")
        return str(request["agent"])

    def zone_of(request: web.Request) -> ZoneInfo:
        return ZoneInfo(console_of(request).timezone)

    async def page(request: web.Request) -> web.Response:
        return _pages.render("knowledge.html", owner=owner(request))

    async def listing(request: web.Request) -> web.Response:
        owner(request)
        records, zone = records_of(request), zone_of(request)
        now = datetime.now(zone)

        def read() -> KnowledgeList:
            rows = [entry_row(e, now, zone) for e in records.entries()]
            return KnowledgeList(entries=rows, history=change_rows(records.history()))

        return web.json_response(text=(await asyncio.to_thread(read)).json(ensure_ascii=False))

    async def edit(request: web.Request, change: Callable[[KnowledgeEditor, str, Any], KnowledgeChange]) -> web.Response:
        by = owner(request)
        try:
            body = await request.json()
        except ValueError:
            body = None
        editor = KnowledgeEditor(records_of(request))
        try:
            done = await asyncio.to_thread(change, editor, by, body)
        except KnowledgeFormError as error:
            return _error(400, str(error), field=error.field)
        except KnowledgeNotFound:
            return _error(404, "没有这条知识（可能已被删除），请刷新页面")
        except KnowledgeConflict:
            return _error(409, "这条知识刚刚被改过，请刷新页面看看最新内容再改")
        except AlreadyUndone:
            return _error(409, "这次修改已经撤销过了")
        return web.json_response(text=change_rows([done])[0].json(ensure_ascii=False))

    async def add(request: web.Request) -> web.Response:
        zone = zone_of(request)
        return await edit(request, lambda editor, by, body: editor.add(entry_from_form(body, zone), by))

    async def update(request: web.Request) -> web.Response:
        key, zone = request.match_info["key"], zone_of(request)

        def change(editor: KnowledgeEditor, by: str, body: Any) -> KnowledgeChange:
            before = editor.records.entry(key)
            if before is None:
                raise KnowledgeNotFound(key)
            return editor.update(entry_from_form(body, zone, base=before), by)

        return await edit(request, change)

    async def enable(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        return await edit(request, lambda editor, by, body: editor.set_enabled(key, bool((body or {}).get("enabled")), by))

    async def delete(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        return await edit(request, lambda editor, by, body: editor.delete(key, by))

    async def undo(request: web.Request) -> web.Response:
        change_id = request.match_info["change_id"]
        return await edit(request, lambda editor, by, body: editor.undo(change_id, by))

    async def try_it(request: web.Request) -> web.Response:
        owner(request)
        try:
            body = await request.json()
        except ValueError:
            body = None
        text = str((body or {}).get("text", "") if isinstance(body, dict) else "").strip()
        if not text or len(text) > 300:
            return _error(400, "请输入一句买家会问的话（300字以内）")
        console, records = console_of(request), records_of(request)
        base = bases.setdefault((id(console.store.client), console.store.shop_id), KnowledgeBase(records))
        matches = await asyncio.to_thread(base.matches, text, datetime.now(zone_of(request)))
        try:
            intent = (await console.rasa.parse(text)).get("intent") or {}
        except RasaUnavailable:
            intent = {}
        result = try_result(matches, intent.get("name"), float(intent.get("confidence") or 0))
        return web.json_response(text=result.json(ensure_ascii=False))

    return [
        web.get("/knowledge", page),
        web.get("/api/knowledge", listing),
        web.post("/api/knowledge", add),
        web.post("/api/knowledge/try", try_it),
        web.post("/api/knowledge/history/{change_id}/undo", undo),
        web.post("/api/knowledge/entry/{key}", update),
        web.post("/api/knowledge/entry/{key}/enabled", enable),
        web.delete("/api/knowledge/entry/{key}", delete),
    ]
