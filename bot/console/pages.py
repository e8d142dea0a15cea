"""Server-rendered HTML pages (Jinja2, autoescaped) from bot/console/templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


class Pages:
    def __init__(self) -> None:
        self._env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))

    def render(self, name: str, status: int = 200, **context: Any) -> web.Response:
        html = self._env.get_template(name).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
