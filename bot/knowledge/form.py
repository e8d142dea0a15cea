"""An owner's knowledge entry from the console's form: validated as the shop file's entries are
(the same KnowledgeEntry model), a problem told in Chinese naming the field, nothing written."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.knowledge.pack import FACTS
from bot.labels import fact_label
from bot.models import KnowledgeEntry

# The form's fields, as the owner reads them.
FIELD_LABELS: Dict[str, str] = {
    "question": "标准问题",
    "similar": "相似问法",
    "keywords": "关键词",
    "negative": "反例（不该匹配的问法）",
    "answer": "答案",
    "valid_from": "生效时间",
    "valid_until": "失效时间",
    "enabled": "启用",
    "image_url": "图片链接",
    "quick_replies": "快捷回复",
}
_LISTS = ("similar", "keywords", "negative")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class KnowledgeFormError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"「{FIELD_LABELS.get(field, field)}」{problem}")


def new_key() -> str:
    """The owner never types a key: an added entry gets its own."""
    return f"own_{uuid.uuid4().hex[:10]}"


def _lines(field: str, value: Any) -> List[str]:
    """One question or keyword a line (or a list); blank lines are dropped, not refused."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise KnowledgeFormError(field, "要一行写一条")
    return [item.strip() for item in items if item.strip()]


def _time(field: str, value: Any, zone: ZoneInfo) -> Optional[datetime]:
    """The form's local time (2026-11-11T00:00) is the shop's time zone's."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise KnowledgeFormError(field, "不是有效的时间，请按 年-月-日 时:分 填写") from None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=zone)


def _problem(error: Dict[str, Any]) -> str:
    kind, limit = error.get("type", ""), (error.get("ctx") or {}).get("limit_value")
    if kind in ("value_error.missing", "value_error.any_str.min_length") or "must not be blank" in error.get("msg", ""):
        return "不能为空"
    if kind == "value_error.any_str.max_length":
        return f"太长了，最多 {limit} 个字"
    if kind == "value_error.list.max_items":
        return f"最多 {limit} 条"
    if error["loc"][0] == "image_url":
        return "要以 http:// 或 https:// 开头"
    if "valid_until must be after valid_from" in error.get("msg", ""):
        return "要晚于生效时间"
    return "格式不对"


def entry_from_form(form: Mapping[str, Any], zone: ZoneInfo, base: Optional[KnowledgeEntry] = None) -> KnowledgeEntry:
    """The entry the form describes; `base` (an edit) keeps what the form does not show (key,
    topic, image, quick replies). The owner's own answer fills a 待填写 entry."""
    if not isinstance(form, Mapping):
        raise KnowledgeFormError("question", "没有收到内容")
    answer = str(form.get("answer") or "").strip()
    for name in _PLACEHOLDER.findall(answer):
        if name in FACTS:
            raise KnowledgeFormError("answer", f"里还有待填写的 {{{name}}}，请换成本店的实际{fact_label(name)}")
    values: Dict[str, Any] = {
        **(base.dict() if base else {"key": new_key()}),
        "question": str(form.get("question") or "").strip(),
        "answer": answer,
        **{field: _lines(field, form.get(field)) for field in _LISTS},
        "valid_from": _time("valid_from", form.get("valid_from"), zone),
        "valid_until": _time("valid_until", form.get("valid_until"), zone),
        "enabled": bool(form.get("enabled", True)),
        "missing_facts": [],
    }
    try:
        return KnowledgeEntry.parse_obj(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"][0] != "__root__" else "valid_until"
        raise KnowledgeFormError(field, _problem({**first, "loc": (field,)})) from error
