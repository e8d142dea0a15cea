"""Rasa's own tools over generated files: `rasa data validate` and `rasa test core` with the model.

Slow (each starts Rasa); the files are written to tmp_path, never into the project.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered

from bot.cli import main
from bot.model_files import latest_model
from bot.redis_server import RedisServer
from bot.runner import RASA
from bot.settings import PROJECT_ROOT
from bot.trainer.corrections import build_correction
from bot.trainer.export import export_corrections
from tests.integration.trainer.conftest import user
from tests.integration.trainer.test_stories import session_start, size_conversation

# What real buyers of the demo shop say; `rasa test core` replays them through the trained model.
CHAT = ["亲 在吗", "包邮吗", "我的快递到哪了", "😊261124012290", "好的谢谢亲"]


def answers() -> Dict[str, str]:
    """intent -> action, from the unconditional one-step rules in data/rules."""
    found = {}
    for path in sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            steps = rule.get("steps", [])
            if not rule.get("condition") and len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                found[steps[0]["intent"]] = steps[1]["action"]
    return found


async def parse(model: Path, texts: List[str]) -> List[dict]:
    from rasa.core.agent import Agent

    from bot.evaluation import quiet_rasa

    quiet_rasa()
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def test_generated_story_and_exported_examples_pass_rasa_data_validate(
    save_conversation: Callable, redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    save_conversation("buyer_xiaomei", size_conversation())
    save_conversation(
        "buyer_ahua",
        [
            *session_start(),
            user("包邮吗", "ask_free_shipping"),
            ActionExecuted("action_free_shipping"),
            BotUttered("满99包邮"),
            ActionExecuted("action_listen"),
            user("好的谢谢亲", "thank"),
            ActionExecuted("action_thank"),
            ActionExecuted("action_listen"),
        ],
    )
    stories = tmp_path / "from_conversations.yml"
    for sender in ("buyer_xiaomei", "buyer_ahua"):
        assert main(["story-from-conversation", sender, "--stories", str(stories), "--no-test"]) == 0
    nlu = tmp_path / "corrections.yml"
    export_corrections(
        [
            build_correction(
                conversation_id="c",
                message_id="1",
                text="一米七二该拍哪个码呀",
                correct_intent="ask_size",
                corrected_by="t",
                entities=[{"entity": "height", "start": 0, "end": 4, "value": "172"}],
            )
        ],
        out=nlu,
    )
    result = subprocess.run(
        [RASA, "data", "validate", "--fail-on-warnings", "--data", "data", str(stories), str(nlu)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_a_test_generated_from_a_handled_conversation_passes_rasa_test_core(
    save_conversation: Callable,
    redis_server: RedisServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    model = latest_model()
    if model is None:
        pytest.skip("no trained model: run `make train`")
    rules = answers()
    events: List[Any] = [*session_start()]
    for text, parsed in zip(CHAT, asyncio.run(parse(model, CHAT))):
        intent = parsed["intent"]["name"]
        assert intent in rules, f"the model reads {text!r} as {intent}, which no one-step rule answers"
        message = user(text, intent, parsed["entities"], seen=parsed["text"])
        events += [message, ActionExecuted(rules[intent]), BotUttered("…"), ActionExecuted("action_listen")]
    assert any(e.entities for e in events if hasattr(e, "entities")), "the chat should carry an entity"
    save_conversation("buyer_dawei", events)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    tests = tmp_path / "test_from_conversations.yml"
    code = main(
        [
            "story-from-conversation",
            "buyer_dawei",
            "--name",
            "a real chat",
            "--check",
            "--stories",
            str(tmp_path / "stories.yml"),
            "--test",
            str(tests),
        ]
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "the new conversation test passes" in printed.out
    assert '[261124012290]{"entity": "order_id", "value": "261124012290"}' in tests.read_text(encoding="utf-8")

    # A conversation the model would not have: --check refuses it and writes nothing.
    save_conversation("buyer_chenchen", [*session_start(), user("包邮吗", "greet"), ActionExecuted("action_greet")])
    before = tests.read_text(encoding="utf-8")
    assert (
        main(
            [
                "story-from-conversation",
                "buyer_chenchen",
                "--check",
                "--stories",
                str(tmp_path / "stories.yml"),
                "--test",
                str(tests),
            ]
        )
        == 1
    )
    assert "fails with the latest model; nothing written" in capsys.readouterr().err
    assert tests.read_text(encoding="utf-8") == before
