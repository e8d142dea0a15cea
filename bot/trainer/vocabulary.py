"""What the domain allows a trainer to name: intents, entities, and the slots that shape dialogue.

Read straight from domain.yml (plain YAML, no Rasa import): the console validates every mark with
it, so it must be cheap to load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Optional

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
# Rasa adds this slot to every domain with forms; stories must keep it to describe the form.
REQUESTED_SLOT = "requested_slot"


def _names(entries: Optional[Iterable[Any]]) -> FrozenSet[str]:
    """Domain lists hold plain names or one-key mappings (`- greet: {use_entities: true}`)."""
    names = set()
    for entry in entries or []:
        if isinstance(entry, str):
            names.add(entry)
        elif isinstance(entry, dict) and len(entry) == 1:
            names.add(next(iter(entry)))
    return frozenset(names)


@dataclass(frozen=True)
class Vocabulary:
    intents: FrozenSet[str]
    entities: FrozenSet[str]
    # Slots whose values the dialogue policies see (plus requested_slot, for forms).
    influencing_slots: FrozenSet[str]

    @classmethod
    def from_domain(cls, path: Path = DOMAIN_FILE) -> "Vocabulary":
        domain = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        slots = domain.get("slots") or {}
        influencing = {
            name
            for name, spec in slots.items()
            # Rasa's default: a slot influences the conversation unless told otherwise
            # (type `any` never does).
            if (spec or {}).get("influence_conversation", (spec or {}).get("type") != "any")
        }
        return cls(
            intents=_names(domain.get("intents")),
            entities=_names(domain.get("entities")),
            influencing_slots=frozenset(influencing | {REQUESTED_SLOT}),
        )
