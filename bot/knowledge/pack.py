"""The default knowledge pack: answers every clothing shop needs, built from the shop's own facts.

An answer names facts as `{return_window_days}`; FACTS says where each comes from in the shop's
policy. An entry whose facts the shop has not given is kept switched off with `missing_facts`
(listed for the owner as 待填写): no buyer ever reads a placeholder or an invented policy.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.models import KnowledgeEntry, Policy, Shop
from bot.settings import PROJECT_ROOT

PACK_FILE = PROJECT_ROOT / "data" / "knowledge" / "clothing_pack.yml"


def _joined(items: Sequence[str]) -> Optional[str]:
    return "、".join(items) if items else None


def _returning_perks(policy: Policy) -> Optional[str]:
    perks = policy.returning_customer
    parts = (["包邮"] if perks.free_shipping else []) + ([f"{perks.coupon_yuan:g}元老客券"] if perks.coupon_yuan else [])
    parts += [f"小礼物（{perks.gift}）"] if perks.gift else []
    return "、".join(parts) if parts else None


# Each fact an answer may name, read from the policy; None: the shop has not given it.
FACTS: Dict[str, Callable[[Shop], Optional[str]]] = {
    "shop_name": lambda shop: shop.name,
    "return_window_days": lambda shop: str(shop.policy.return_window_days) if shop.policy.return_window_days else None,
    "same_day_cutoff_hour": lambda shop: str(shop.policy.same_day_cutoff_hour),
    "working_hours": lambda shop: shop.policy.working_hours,
    "default_courier": lambda shop: shop.policy.default_courier.name,
    "excluded_regions": lambda shop: _joined(shop.policy.free_shipping_excluded_regions),
    "excluded_categories": lambda shop: _joined(shop.policy.no_reason_return_excluded_categories),
    "returning_min_orders": lambda shop: str(shop.policy.returning_customer.min_past_orders),
    "returning_perks": lambda shop: _returning_perks(shop.policy),
    "invoice_types": lambda shop: _joined(shop.policy.invoice.types) if shop.policy.invoice else None,
    "invoice_timing": lambda shop: shop.policy.invoice.timing if shop.policy.invoice else None,
    "invoice_change_days": lambda shop: (
        str(shop.policy.invoice.change_days) if shop.policy.invoice and shop.policy.invoice.change_days else None
    ),
    "payment_methods": lambda shop: _joined(shop.policy.payment_methods),
    "payment_methods_not": lambda shop: _joined(shop.policy.payment_methods_not),
    "price_protection_days": lambda shop: str(shop.policy.price_protection_days) if shop.policy.price_protection_days else None,
    "warranty_days": lambda shop: str(shop.policy.warranty_days) if shop.policy.warranty_days else None,
    "authenticity": lambda shop: shop.policy.authenticity,
    "ship_from": lambda shop: shop.policy.ship_from,
}


@lru_cache(maxsize=1)
def pack_templates() -> Tuple[KnowledgeEntry, ...]:
    raw = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8")) or []
    return tuple(KnowledgeEntry.parse_obj(entry) for entry in raw)


def facts_named(answer: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(answer) if name]


def render(template: KnowledgeEntry, shop: Shop) -> KnowledgeEntry:
    """The entry with the shop's facts in its answer, or switched off naming the missing ones."""
    values = {name: FACTS[name](shop) if name in FACTS else None for name in facts_named(template.answer)}
    missing = sorted(name for name, value in values.items() if not value)
    if missing:
        return template.copy(update={"missing_facts": missing})
    return template.copy(update={"answer": template.answer.format(**values)})


def with_pack(shop: Shop, own: Sequence[KnowledgeEntry], drop: Sequence[str] = (), use_pack: bool = True) -> List[KnowledgeEntry]:
    """The shop's entries: the pack's (less the dropped, rendered with its facts), its own
    replacing a pack entry of the same key."""
    own_keys = {entry.key for entry in own}
    pack = [render(t, shop) for t in pack_templates() if use_pack and t.key not in drop and t.key not in own_keys]
    return pack + list(own)


def pack_keys() -> List[str]:
    return [entry.key for entry in pack_templates()]


def unknown_facts(path: Path = PACK_FILE) -> List[str]:
    """Facts the pack's answers name that FACTS cannot give (a test keeps this empty)."""
    return sorted({name for t in pack_templates() for name in facts_named(t.answer)} - FACTS.keys())
