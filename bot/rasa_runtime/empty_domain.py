"""Patch 15: `Domain.is_empty` without building an empty domain (bot/rasa_runtime/patches.py).

Rasa checks every parsed message for intents and entities its domain lacks, and first asks
whether the domain is empty: `self.as_dict() == Domain.empty().as_dict()`, which builds a whole
`Domain` from nothing (its sanity checks, its default actions and slots) for each message. py-spy
put 2.8% of the event loop's busy samples there at 50 buyers. The empty domain's dict is the same
every time, so it is built once; the comparison is Rasa's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from bot.rasa_runtime.pinning import Patch, rasa_attribute

domain_class = rasa_attribute("rasa.shared.core.domain", "Domain")


@lru_cache(maxsize=1)
def empty_domain_dict() -> Dict[str, Any]:
    return domain_class().empty().as_dict()


def is_empty(self: Any) -> bool:
    """Check whether the domain is empty."""
    return self.as_dict() == empty_domain_dict()


def install(owner: Any) -> None:
    owner.is_empty = is_empty


PATCH = Patch(
    name="empty domain built once",
    target=domain_class,
    attribute="is_empty",
    source_sha256="884be90ef485f1d2c0f140657a47f106a7d2785b63b03e46cd699b4072e95369",
    install=install,
)
