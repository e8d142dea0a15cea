"""Patch 15: a domain is empty exactly when Rasa says so, without an empty domain built each time."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain

from bot.rasa_runtime import empty_domain, patches

DOMAIN = Path(__file__).resolve().parents[3] / "domain.yml"


def test_applied_is_empty_answers_as_rasa(monkeypatch) -> None:
    assert patches.apply()["empty domain built once"] is True
    assert Domain.is_empty is empty_domain.is_empty
    rasas = patches.original_of(empty_domain.PATCH)
    domains = [Domain.empty(), Domain.load(str(DOMAIN)), Domain.from_dict({"intents": ["greet"]})]
    assert [rasas(domain) for domain in domains] == [True, False, False]
    empty_domain.empty_domain_dict()  # built once ...
    built = []
    monkeypatch.setattr(Domain, "empty", classmethod(lambda cls: built.append(cls) or Domain.from_dict({})))
    assert [domain.is_empty() for domain in domains] == [True, False, False]
    assert built == []  # ... and not for each question
