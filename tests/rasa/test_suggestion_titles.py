"""Every 猜你想问 button sends its title's words: the trained model must read each title as the
question it stands for, surely enough to answer it (else a click would ask back again)."""

from __future__ import annotations

import asyncio

import pytest

from bot.behaviours import UNSURE_BELOW
from bot.model_files import trained_model
from bot.replies.chat import SUGGESTION_TITLES


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model()))


@pytest.mark.parametrize("intent, title", sorted(SUGGESTION_TITLES.items()))
def test_a_button_title_is_read_as_its_question(agent, intent: str, title: str) -> None:
    parsed = asyncio.run(agent.parse_message(title))
    assert parsed["intent"]["name"] == intent, parsed["intent"]
    assert parsed["intent"]["confidence"] >= UNSURE_BELOW
