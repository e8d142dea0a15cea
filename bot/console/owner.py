"""The shop owner's pages: the dashboard of numbers (bot.metrics) and the complaint report for
the factory (bot.services.complaints), each with a CSV export.

Only owners (CONSOLE_OWNERS) may open them; an agent gets 403. Functions hand over the store,
the owner directory and the time zone, so this module does not import bot.console.app.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, Callable, List, Sequence
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.auth import AgentDirectory
from bot.console.pages import Pages
from bot.metrics.consumer import MetricsConsumer
from bot.metrics.report import Metrics, report
from bot.services.complaints import ComplaintReport, complaint_report, report_rows
from bot.spreadsheet import csv_text
from bot.store import ShopStore

DAYS = 30  # the dashboard's longest view; its hourly charts show the last 48 hours of it

_pages = Pages()


def _csv_response(rows: Sequence[Sequence[Any]], name: str) -> web.Response:
    return web.Response(
        text=csv_text(rows),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def owner_routes(
    store_of: Callable[[web.Request], ShopStore],
    owners_of: Callable[[web.Request], AgentDirectory],
    zone_of: Callable[[web.Request], str],
) -> List[web.RouteDef]:
    def refuse_agents(request: web.Request) -> None:
        if request.get("agent") not in owners_of(request):
            raise web.HTTPForbidden(text="只有店主账号可以查看经营数据")

    async def metrics_of(request: web.Request) -> Metrics:
        zone = ZoneInfo(zone_of(request))
        until = datetime.now(zone).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        store = store_of(request)

        def read() -> Metrics:
            MetricsConsumer(store).drain()  # what the running consumer has not folded yet
            return report(store.client, store, until - timedelta(days=DAYS), until, zone)

        return await asyncio.to_thread(read)

    async def dashboard(request: web.Request) -> web.Response:
        refuse_agents(request)
        return _pages.render("dashboard.html", owner=request["agent"])

    async def metrics_json(request: web.Request) -> web.Response:
        refuse_agents(request)
        return web.json_response(text=(await metrics_of(request)).json(ensure_ascii=False))

    async def metrics_csv(request: web.Request) -> web.Response:
        refuse_agents(request)
        metrics = await metrics_of(request)
        periods = metrics.days if request.query.get("by") == "day" else metrics.hours
        rows: List[List[Any]] = [["start", "conversations", "buyer_messages", "handed_off", "auto_reply_rate", "not_understood"]]
        rows += [
            [
                row.start.isoformat(),
                row.conversations,
                row.buyer_messages,
                row.handed_off,
                "" if row.auto_reply_rate is None else row.auto_reply_rate,
                row.not_understood,
            ]
            for row in periods
        ]
        name = f"shop-metrics-by-{'day' if request.query.get('by') == 'day' else 'hour'}.csv"
        return _csv_response(rows, name)

    async def complaints_of(request: web.Request) -> ComplaintReport:
        store, now = store_of(request), datetime.now(ZoneInfo(zone_of(request)))
        return await asyncio.to_thread(complaint_report, store, now)

    async def complaints_page(request: web.Request) -> web.Response:
        refuse_agents(request)
        return _pages.render("complaints.html", owner=request["agent"], report=await complaints_of(request))

    async def complaints_json(request: web.Request) -> web.Response:
        refuse_agents(request)
        return web.json_response(text=(await complaints_of(request)).json(ensure_ascii=False))

    async def complaints_csv(request: web.Request) -> web.Response:
        refuse_agents(request)
        return _csv_response(report_rows(await complaints_of(request)), "complaints.csv")

    return [
        web.get("/complaints", complaints_page),
        web.get("/api/complaints", complaints_json),
        web.get("/api/complaints.csv", complaints_csv),
        web.get("/dashboard", dashboard),
        web.get("/api/metrics", metrics_json),
        web.get("/api/metrics.csv", metrics_csv),
    ]
