"""The base of every typed model: strict (a typo in a data file is an error) and immutable."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from pydantic import BaseModel, root_validator


class Model(BaseModel):
    class Config:
        extra = "forbid"  # a typo in a data file must be an error, not silently ignored
        allow_mutation = False


def require_offset(value: Optional[datetime]) -> Optional[datetime]:
    """A time without a UTC offset is ambiguous (whose 11:00?): refused, not guessed."""
    if value is not None and value.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2026-11-24T11:00:00+08:00")
    return value


class Range(Model):
    min: float
    max: float

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if values["min"] > values["max"]:
            raise ValueError("min must not exceed max")
        return values

    def contains(self, value: float) -> bool:
        return self.min <= value <= self.max
