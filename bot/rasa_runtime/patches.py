"""Fixes to Rasa 3.6.21 internals, applied in the Rasa server process (by our tracker store).

Each patch names the function it replaces and a fingerprint of that function's source: when
Rasa's code differs from what the patch was written against, `apply()` refuses the patch (and
logs why) instead of silently changing behaviour it no longer understands.

1. `RemoteAction._validate_action_result` called `jsonschema.validate(result, schema)` on every
   action-server reply. With jsonschema 4.17 that first checks the schema itself against the
   metaschema: about 48 ms a call here, the largest single cost of a turn (py-spy: 46% of the
   Rasa server's time at 10 concurrent buyers). The schema never changes, so the validator is
   built (and the schema checked) once per process; every reply is still validated in full.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Text

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"


@dataclass(frozen=True)
class Patch:
    name: str
    target: Callable[[], Any]  # returns the owner (class or module) of the replaced attribute
    attribute: str
    source_sha256: str  # of inspect.getsource(original), the code this patch replaces
    install: Callable[[Any], None]


def source_fingerprint(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


# -- 1. action-result schema validated by a validator built once ---------------------------------


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not on every reply
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as e:
        # Same message as Rasa's own, so logs and callers see no difference.
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _remote_action() -> Any:
    from rasa.core.actions.action import RemoteAction

    return RemoteAction


def _install_validator(owner: Any) -> None:
    owner._validate_action_result = _validate_action_result


PATCHES: List[Patch] = [
    Patch(
        name="action result schema validator built once",
        target=_remote_action,
        attribute="_validate_action_result",
        source_sha256="f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
        install=_install_validator,
    ),
]

_applied: Dict[str, bool] = {}


def rasa_version() -> str:
    from rasa.version import __version__

    return __version__


def apply() -> Dict[str, bool]:
    """Applies every patch whose target is still the code it was written for (idempotent).
    Returns which patches are in place."""
    version = rasa_version()
    for patch in PATCHES:
        if _applied.get(patch.name):
            continue
        owner = patch.target()
        original = getattr(owner, patch.attribute)
        if version != RASA_VERSION or source_fingerprint(original) != patch.source_sha256:
            logger.error(
                "not applying the Rasa patch %r: it was written for Rasa %s and %s.%s has "
                "changed (Rasa %s); check whether the fix is still needed",
                patch.name, RASA_VERSION, owner.__name__, patch.attribute, version,
            )
            _applied[patch.name] = False
            continue
        patch.install(owner)
        _applied[patch.name] = True
    return dict(_applied)
