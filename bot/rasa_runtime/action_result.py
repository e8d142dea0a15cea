"""Rasa's action-result schema checked quickly (patch 1, bot/rasa_runtime/patches.py)."""

from __future__ import annotations

from typing import Any, Dict


class ActionResultValidator:
    """Rasa's action-result schema, each event checked against the one branch of the schema's
    `oneOf` that its `event` name selects. jsonschema tries every branch for every event (one
    per event type, each failure building an error object): 8% of the server's Python time under
    load (py-spy). The branches are told apart by a distinct `const` name, so an event matches
    exactly one branch exactly when it matches its own; anything the quick check rejects is
    validated again by the whole schema, which raises Rasa's own error."""

    def __init__(self, schema: Dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        validator_class = validator_for(schema)
        validator_class.check_schema(schema)  # once, not on every reply
        self.whole = validator_class(schema)
        self.by_event: Dict[str, Any] = {}
        items = schema["properties"]["events"]["items"]
        names = [branch.get("properties", {}).get("event", {}).get("const") for branch in items["oneOf"]]
        if None in names or len(set(names)) != len(names):
            return  # not told apart by name: the whole schema checks every reply
        shared = {key: value for key, value in items.items() if key != "oneOf"}
        for name, branch in zip(names, items["oneOf"]):
            self.by_event[name] = validator_class({**shared, "allOf": [branch]})
        outer = {**schema, "properties": {**schema["properties"], "events": {"type": "array", "items": {"type": "object"}}}}
        self.outer = validator_class(outer)

    def _quick(self, result: Any) -> bool:
        if not self.by_event or not self.outer.is_valid(result):
            return False
        for event in result.get("events") or ():
            checker = self.by_event.get(event.get("event"))
            if checker is None or not checker.is_valid(event):
                return False
        return True

    def validate(self, result: Any) -> None:
        if not self._quick(result):
            self.whole.validate(result)
