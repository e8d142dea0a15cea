"""Patch 8 (bot/rasa_runtime/slot_copy.py): slots copied as `copy.copy` would copy them."""

from __future__ import annotations

import copy
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.slots import Slot, TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import patches, slot_copy
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def copied_by_the_pickle_protocol(slot: Any) -> Any:
    """`copy.copy` as it is without the patch, for an object with no `__copy__`."""
    return copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # type: ignore[attr-defined]


def assert_same_copy(mine: Any, reference: Any, original: Any) -> None:
    assert type(mine) is type(reference)
    assert mine is not original
    assert vars(mine).keys() == vars(reference).keys()
    for name, value in vars(reference).items():
        assert vars(mine)[name] is value, name  # shallow, like copy.copy


def test_applied_and_rasas_slot_classes_take_the_quick_route() -> None:
    assert patches.apply()["slots copied without the pickle protocol"] is True
    assert Slot.__copy__ is slot_copy.copy_slot
    # Fails when a Rasa slot class starts copying itself its own way: then it is copied by
    # copy.copy's own route (correct), and this patch no longer saves anything for it.
    rasas = [cls for cls in slot_copy.slot_classes() if cls.__module__.startswith("rasa.")]
    assert len(rasas) >= 7 and all(slot_copy.is_plain(cls) for cls in rasas)


def test_every_slot_of_the_domain_copies_as_copy_copy_would() -> None:
    patches.apply()
    tracker = DialogueStateTracker("buyer", DOMAIN.slots)
    for slot in DOMAIN.slots:
        tracker.update(SlotSet(slot.name, ["a", "b"] if slot.type_name == "any" else "M"))
    for slot in [*DOMAIN.slots, *tracker.slots.values()]:
        assert_same_copy(copy.copy(slot), copied_by_the_pickle_protocol(slot), slot)


def test_a_trackers_slots_are_its_own() -> None:
    patches.apply()
    first = DialogueStateTracker("a", DOMAIN.slots)
    second = DialogueStateTracker("b", DOMAIN.slots)
    first.update(SlotSet("size", "XL"))
    assert first.get_slot("size") == "XL"
    assert second.get_slot("size") is None and DOMAIN.slots[[s.name for s in DOMAIN.slots].index("size")].value is None


class StatefulSlot(TextSlot):
    """A slot class that copies itself its own way."""

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_value": "restored by __setstate__"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def test_a_slot_class_with_its_own_state_goes_copy_copys_own_way() -> None:
    patches.apply()
    slot = StatefulSlot("note", mappings=[])
    mine = copy.copy(slot)
    assert mine.value == "restored by __setstate__"
    assert_same_copy(mine, copied_by_the_pickle_protocol(slot), slot)
