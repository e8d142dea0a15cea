"""Labelled sessions: one JSON object a line, every buyer turn with its acceptable behaviours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

from pydantic import Field, ValidationError

from bot.models import Model


class _Labelled(Model):
    class Config:
        extra = "ignore"  # sources, session ids and the agents' own turns are for reading only


class LabelledTurn(_Labelled):
    buyer: str
    expect: List[str] = Field(min_items=1, description="acceptable behaviours, best first")
    harmful: List[str] = []
    context: int = Field(default=0, ge=0, le=1)


class LabelledSession(_Labelled):
    id: str = Field(min_length=1)
    turns: List[LabelledTurn] = Field(min_items=1)


class SessionFileError(ValueError):
    pass


def load_sessions(path: Path) -> List[LabelledSession]:
    """Every session of the file; a bad line is refused with its line number and field."""
    sessions: List[LabelledSession] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            sessions.append(LabelledSession.parse_obj(json.loads(line)))
        except json.JSONDecodeError as error:
            raise SessionFileError(f"{path}, line {number}: not JSON ({error.msg})") from None
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise SessionFileError(f"{path}, line {number}, field {field}: {first['msg']}") from None
    if not sessions:
        raise SessionFileError(f"{path}: no sessions")
    return sessions
