"""The console's web app: thin routes over the handoff queue, the summary card and the reply service.

Every route but /login, /healthz, /chat and /static/ needs an agent session: pages redirect to
/login, the JSON API answers 401. API changes (any method but GET, HEAD, OPTIONS) also need the
`X-Requested-With: console` header (a cross-site form cannot send it). Acting on a chat another agent holds answers 409.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Awaitable, Callable, List, Optional

import redis
from aiohttp import web
from pydantic import ValidationError
from yarl import URL

from bot.bootstrap import Server, server_services
from bot.buyer_tokens import buyer_token
from bot.console.agent_reply import send_reply
from bot.console.auth import SESSION_COOKIE, AgentDirectory, LoginThrottle, Session, SessionSigner, load_agents
from bot.console.callback import ShopCallback
from bot.console.knowledge_page import knowledge_routes
from bot.console.mining_page import mining_routes
from bot.console.owner import owner_routes
from bot.console.pages import STATIC, Pages
from bot.console.rasa_client import RasaClient, RasaUnavailable
from bot.console.records import ConsoleSessions
from bot.console.summary import HandoffCard, handoff_card, summarize
from bot.console.training import training_routes
from bot.handoff.queue import (
    HandoffEnded,
    HandoffError,
    HandoffNotClaimed,
    HandoffNotFound,
    HandoffQueue,
    HandoffTaken,
)
from bot.models import Handoff, Model
from bot.photos.intake import records as photo_records
from bot.settings import Settings
from bot.store import ShopStore

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/login", "/healthz", "/chat"})
API_HEADER = ("X-Requested-With", "console")
READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")
# Conversation ids the buyer chat page accepts (it becomes the socket.io session id).
_BUYER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Console:
    """Everything the routes use; tests build it with their own parts."""

    queue: HandoffQueue
    agents: AgentDirectory
    sessions: SessionSigner
    rasa: RasaClient
    callback: ShopCallback
    rasa_port: int  # the buyer chat page connects to socket.io on this port of the page's host
    buyer_token_secret: Optional[str] = None  # set: the chat page signs the buyer's token
    # Served on loopback only (the `make run` demo): the chat page signs a token without a login,
    # since only this machine's users can open it. Beyond loopback it is for logged-in agents.
    loopback_only: bool = False
    # The shop owner's logins: the dashboard and the complaint report (and all an agent sees).
    owners: AgentDirectory = field(default_factory=lambda: AgentDirectory({}))
    timezone: str = "Asia/Shanghai"  # the shop's: the dashboard's hours and days
    pages: Pages = field(default_factory=Pages)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)

    @property
    def store(self) -> ShopStore:
        return self.queue.store

    @cached_property
    def open_sessions(self) -> ConsoleSessions:
        """Which agent each open session belongs to (in Redis, so a logout ends it everywhere)."""
        return ConsoleSessions(self.store.client, self.store.shop_id)


CONSOLE = web.AppKey("console", Console)


class HandoffList(Model):
    agent: str
    handoffs: List[HandoffCard]
    agents_online: List[str] = []  # whose workbench sent a heartbeat lately


# An agent counts as online this long after their workbench's last heartbeat (it beats every
# 10 s, so a closed page or a lost network drops them within half a minute).
PRESENCE_SECONDS = 30


# -- middlewares -------------------------------------------------------------------------------
def current_session(request: web.Request) -> Optional[Session]:
    """The session of the request's cookie: signed, unexpired, still open in Redis (logging out
    closes it there, so a copied cookie dies with the logout), of an agent that still exists."""
    console = request.app[CONSOLE]
    session = console.sessions.session(request.cookies.get(SESSION_COOKIE), time.time())
    if session is None or (session.agent not in console.agents and session.agent not in console.owners):
        return None
    if console.open_sessions.agent(session.session_id) != session.agent:
        return None
    return session


def logged_in_agent(request: web.Request) -> Optional[str]:
    """The agent whose open session came with the request."""
    session = current_session(request)
    return session.agent if session else None


def same_origin(request: web.Request) -> bool:
    """A browser names the page a POST comes from (Origin); another site's form is refused.
    Clients that send no Origin (scripts, old browsers) are judged by the password alone."""
    origin = request.headers.get("Origin")
    return (
        origin is None or URL(origin).host_port_subcomponent == URL(f"{request.scheme}://{request.host}").host_port_subcomponent
    )


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in OPEN_PATHS or request.path.startswith("/static/"):
        return await handler(request)
    agent = logged_in_agent(request)
    if agent is None:
        if request.path.startswith("/api/"):
            return web.json_response({"error": "请先登录"}, status=401)
        raise web.HTTPFound("/login")
    if request.method not in READ_ONLY_METHODS and request.path.startswith("/api/"):
        if request.headers.get(API_HEADER[0]) != API_HEADER[1]:
            return web.json_response({"error": "missing X-Requested-With header"}, status=403)
    request["agent"] = agent
    return await handler(request)


@web.middleware
async def handoff_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except HandoffNotFound:
        return web.json_response({"error": "没有这个转人工会话"}, status=404)
    except HandoffTaken as error:
        return web.json_response({"error": f"该会话已被 {error.holder} 认领", "holder": error.holder}, status=409)
    except HandoffNotClaimed:
        return web.json_response({"error": "请先认领该会话"}, status=409)
    except HandoffEnded:
        return web.json_response({"error": "该会话已交还机器人或已结束"}, status=409)
    except HandoffError as error:  # pragma: no cover - every subclass is mapped above
        return web.json_response({"error": str(error)}, status=409)
    except RasaUnavailable as error:
        logger.warning("%s", error)
        return web.json_response({"error": "消息没有送达：Rasa 服务器不可用"}, status=502)


# -- helpers -----------------------------------------------------------------------------------
def _console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def _json(model: Model, status: int = 200) -> web.Response:
    return web.json_response(text=model.json(), status=status)


def _page_host(request: web.Request) -> str:
    """The host name the browser used for this page, without its port."""
    host = URL(f"http://{request.host}").raw_host or "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _card(console: Console, handoff: Handoff) -> HandoffCard:
    return handoff_card(handoff, console.store.buyer(handoff.buyer_id), datetime.now(timezone.utc))


# -- login -------------------------------------------------------------------------------------
async def login_page(request: web.Request) -> web.Response:
    return _console(request).pages.render("login.html", error=None)


async def login(request: web.Request) -> web.StreamResponse:
    console = _console(request)
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    if not same_origin(request):
        return console.pages.render("login.html", status=403, error="请从客服工作台的登录页登录")
    # One name from one address: a guesser elsewhere cannot lock out an office's agents.
    keys, now = (f"name-address:{name}|{request.remote}",), time.time()
    wait = console.login_throttle.wait_seconds(keys, now)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return console.pages.render("login.html", status=429, error=f"尝试次数太多，请 {minutes} 分钟后再试")
    agent = console.owners.authenticate(name, password) if name in console.owners else console.agents.authenticate(name, password)
    if agent is None:
        console.login_throttle.failed(keys, now)
        return console.pages.render("login.html", status=401, error="账号或密码不对")
    console.login_throttle.succeeded(keys)
    session_id = secrets.token_urlsafe(16)
    console.open_sessions.open(session_id, agent, console.sessions.max_age)
    response = web.HTTPFound("/")
    response.set_cookie(
        SESSION_COOKIE,
        console.sessions.issue(agent, time.time(), session_id),
        max_age=console.sessions.max_age,
        httponly=True,
        samesite="Strict",
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    session = current_session(request)
    if session:
        _console(request).open_sessions.close(session.session_id)
        _console(request).queue.records.mark_agent_offline(session.agent)
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


# -- workbench ---------------------------------------------------------------------------------
async def workbench(request: web.Request) -> web.Response:
    return _console(request).pages.render("console.html", agent=request["agent"])


async def list_handoffs(request: web.Request) -> web.Response:
    console = _console(request)
    cards = [_card(console, h) for h in console.queue.open_handoffs()]
    return _json(HandoffList(agent=request["agent"], handoffs=cards, agents_online=console.queue.agents_online()))


async def heartbeat(request: web.Request) -> web.Response:
    """The workbench is open: its agent counts as online (buyers are told a person is there)."""
    console = _console(request)
    until = datetime.now(timezone.utc) + timedelta(seconds=PRESENCE_SECONDS)
    console.queue.records.mark_agent_online(request["agent"], until)
    return web.json_response({"online_until": until.isoformat()})


async def handoff_summary(request: web.Request) -> web.Response:
    console = _console(request)
    handoff = console.queue.get(request.match_info["conversation_id"])
    try:
        tracker = await console.rasa.tracker(handoff.conversation_id)
    except RasaUnavailable as error:
        logger.warning("%s", error)
        tracker = None
    return _json(summarize(handoff, tracker, console.store, datetime.now(timezone.utc)))


async def photo(request: web.Request) -> web.Response:
    """A buyer's photo, for the agents only (require_login guards every /api route)."""
    found = photo_records(_console(request).store).get(request.match_info["conversation_id"], request.match_info["photo_id"])
    if found is None:
        raise web.HTTPNotFound(text="这张图片不存在或已过期")
    return web.Response(
        body=found.data,
        content_type=found.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


async def claim(request: web.Request) -> web.Response:
    console = _console(request)
    handoff = console.queue.claim(request.match_info["conversation_id"], request["agent"])
    return _json(_card(console, handoff))


async def reply(request: web.Request) -> web.Response:
    console = _console(request)
    try:
        body = await request.json()
        text = str(body.get("text", "")) if isinstance(body, dict) else ""
    except ValueError:
        text = ""
    try:
        outcome = await send_reply(
            console.queue,
            console.rasa,
            console.callback,
            request.match_info["conversation_id"],
            request["agent"],
            text,
        )
    except ValidationError:
        return web.json_response({"error": "回复不能为空（最多2000字）"}, status=400)
    return _json(outcome)


async def hand_back(request: web.Request) -> web.Response:
    console = _console(request)
    handoff = console.queue.hand_back(request.match_info["conversation_id"], request["agent"])
    return _json(_card(console, handoff))


async def close(request: web.Request) -> web.Response:
    console = _console(request)
    handoff = console.queue.close(request.match_info["conversation_id"], request["agent"])
    return _json(_card(console, handoff))


# -- the buyer chat page and health ------------------------------------------------------------
async def chat_page(request: web.Request) -> web.Response:
    console = _console(request)
    buyer = request.query.get("buyer", "")
    if buyer and not _BUYER_ID.match(buyer):
        return web.Response(status=400, text="buyer: letters, digits, _ and - only")
    token = None
    if console.buyer_token_secret:
        # Buyers prove who they are: beyond loopback only a logged-in agent may try the chat as
        # a buyer here.
        if not console.loopback_only and logged_in_agent(request) is None:
            raise web.HTTPFound("/login")
        if not buyer:
            return web.Response(status=400, text="buyer: required when buyers need a token")
        token = buyer_token(console.buyer_token_secret, buyer)
    item_id = request.query.get("item", "")
    product = console.store.product(item_id) if item_id else None
    config = {
        "socketUrl": f"{request.scheme}://{_page_host(request)}:{console.rasa_port}",
        "buyer": buyer or None,
        "itemId": product.sku if product else None,
        "token": token,
    }
    return console.pages.render("chat.html", product=product, config=config)


async def healthz(request: web.Request) -> web.Response:
    """OK only while the console can reach Redis (the queue, the shop data): a supervisor or a
    load balancer must see a console that cannot serve agents as down."""
    try:
        await asyncio.to_thread(_console(request).store.client.ping)
    except redis.exceptions.RedisError:
        return web.json_response({"status": "redis unreachable"}, status=503)
    return web.json_response({"status": "ok"})


async def _close_clients(app: web.Application) -> None:
    await app[CONSOLE].rasa.close()
    await app[CONSOLE].callback.close()


def create_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[require_login, handoff_errors])
    app[CONSOLE] = console
    app.add_routes(
        [
            web.get("/healthz", healthz),
            web.get("/login", login_page),
            web.post("/login", login),
            web.post("/logout", logout),
            web.get("/", workbench),
            web.get("/api/handoffs", list_handoffs),
            web.post("/api/presence", heartbeat),
            web.get("/api/handoffs/{conversation_id}", handoff_summary),
            web.post("/api/handoffs/{conversation_id}/claim", claim),
            web.get("/api/conversations/{conversation_id}/photos/{photo_id}", photo),
            web.post("/api/handoffs/{conversation_id}/reply", reply),
            web.post("/api/handoffs/{conversation_id}/handback", hand_back),
            web.post("/api/handoffs/{conversation_id}/close", close),
            web.get("/chat", chat_page),
            web.static("/static", STATIC),
        ]
    )
    app.add_routes(
        mining_routes(lambda r: r.app[CONSOLE].store, lambda r: r.app[CONSOLE].owners, lambda r: r.app[CONSOLE].timezone)
    )
    app.add_routes(training_routes(lambda request: request.app[CONSOLE].store))
    app.add_routes(
        owner_routes(
            lambda request: request.app[CONSOLE].store,
            lambda request: request.app[CONSOLE].owners,
            lambda request: request.app[CONSOLE].timezone,
        )
    )
    app.add_routes(knowledge_routes(lambda request: request.app[CONSOLE]))
    app.on_cleanup.append(_close_clients)  # type: ignore[arg-type]  # aiohttp 3.9 types its signals as lists of signals
    return app


def console_from_settings(settings: Settings, secret: str) -> Console:
    """Nothing connects here: Redis on the first request, HTTP clients on their first call."""
    return Console(
        queue=HandoffQueue(server_services(settings, Server.CONSOLE).store),
        agents=AgentDirectory(load_agents(settings.console_agents)),
        owners=AgentDirectory(load_agents(settings.console_owners)),
        timezone=settings.timezone,
        sessions=SessionSigner(secret),
        rasa=RasaClient(settings.rasa_url, secret),
        callback=ShopCallback(settings.shop_callback_url),
        rasa_port=settings.rasa_port,
        buyer_token_secret=settings.buyer_token_secret,
        loopback_only=settings.console_host in ("127.0.0.1", "::1", "localhost"),
    )
