"""story-from-conversation: a tracker in a real Redis tracker store -> a story and a conversation test."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List

import pytest
import yaml
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.cli import main
from bot.redis_server import RedisServer
from bot.trainer.conversations import ConversationNotFound, conversation_events
from bot.trainer.stories import FILE_HEADER, StoryError, append_story, stories_from_events
from bot.trainer.vocabulary import Vocabulary
from tests.conftest import DEMO_NOW, marks_of
from tests.integration.trainer.conftest import user

SLOTS = Vocabulary.from_domain().influencing_slots


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def session_start() -> List[Any]:
    return [ActionExecuted("action_session_start"), SessionStarted(), listen()]


def size_conversation() -> List[Any]:
    """What the Rasa server records for a size question answered through the form."""
    return [
        *session_start(),
        user("亲 在吗", "greet", message_id="m1", timestamp=DEMO_NOW.timestamp()),
        ActionExecuted("action_greet"),
        BotUttered("亲在的～"),
        listen(),
        user("我穿多大码", "ask_size", message_id="m2"),
        SlotSet("current_product", "T001"),
        ActionExecuted("size_form"),
        ActiveLoop("size_form"),
        SlotSet("requested_slot", "height_cm"),
        BotUttered("亲，方便告诉我您的身高吗？"),
        listen(),
        # full-width digits: normalised character for character, so the buyer's text is kept
        user("身高１６５", "inform", [{"entity": "height", "value": 165, "start": 2, "end": 5}], seen="身高165"),
        SlotSet("height_cm", 165.0),
        ActionExecuted("size_form"),
        SlotSet("height_cm", 165.0),
        SlotSet("requested_slot", "weight_kg"),
        BotUttered("亲，您的体重大概多少呢？"),
        listen(),
        # the emoji is dropped by the normaliser: the test keeps the text the NLU saw
        user("😊110斤", "inform", [{"entity": "weight", "value": 55, "start": 0, "end": 4}], seen="110斤"),
        SlotSet("weight_kg", 55.0),
        ActionExecuted("action_unlikely_intent"),
        ActionExecuted("size_form"),
        SlotSet("weight_kg", 55.0),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_recommend_size"),
        BotUttered("建议您拍M码"),
        listen(),
    ]


EXPECTED_STORY_STEPS = [
    {"intent": "greet"},
    {"action": "action_greet"},
    {"intent": "ask_size"},
    {"action": "size_form"},
    {"active_loop": "size_form"},
    {"slot_was_set": [{"requested_slot": "height_cm"}]},
    {"intent": "inform", "entities": [{"height": 165}]},
    {"action": "size_form"},
    {"slot_was_set": [{"requested_slot": "weight_kg"}]},
    {"intent": "inform", "entities": [{"weight": 55}]},
    {"action": "size_form"},
    {"active_loop": None},
    {"slot_was_set": [{"requested_slot": None}]},
    {"action": "action_recommend_size"},
]


def read_steps(path: Path) -> List[Any]:
    """Rasa's own reader over the file: the story steps it would train or test on."""
    from rasa.shared.core.domain import Domain

    from bot.trainer.vocabulary import DOMAIN_FILE

    return YAMLStoryReader(Domain.load(str(DOMAIN_FILE))).read_from_file(str(path))


def rasa_events(step: Any) -> List[tuple]:
    found = []
    for event in step.events:
        if isinstance(event, UserUttered):
            entities = sorted(
                (e["entity"], str(e["value"]), event.text[e["start"] : e["end"]]) for e in event.entities if "start" in e
            )
            found.append(("user", event.intent_name, event.text or None, tuple(entities)))
        elif isinstance(event, ActionExecuted):
            found.append(("action", event.action_name))
        elif isinstance(event, ActiveLoop):
            found.append(("active_loop", event.name))
        elif isinstance(event, SlotSet):
            found.append(("slot", event.key, event.value))
    return found


def test_story_and_test_from_a_conversation_in_the_tracker_store(
    save_conversation: Callable, redis_server: RedisServer, tmp_path: Path
) -> None:
    save_conversation("buyer_xiaomei", size_conversation())
    events = conversation_events(redis_server.url, "buyer_xiaomei")
    built = stories_from_events("size question from a real chat", events, SLOTS)
    assert built["story"] == {"story": "size question from a real chat", "steps": EXPECTED_STORY_STEPS}

    stories, tests = tmp_path / "data" / "stories.yml", tmp_path / "tests" / "test_real.yml"
    assert append_story(stories, built["story"]).written
    assert append_story(tests, built["test"]).written
    assert stories.read_text(encoding="utf-8").startswith(FILE_HEADER + "  - story: size question from a real chat\n")

    [story] = read_steps(stories)
    assert story.block_name == "size question from a real chat"
    assert rasa_events(story) == [
        ("user", "greet", None, ()),
        ("action", "action_greet"),
        ("user", "ask_size", None, ()),
        ("action", "size_form"),
        ("active_loop", "size_form"),
        ("slot", "requested_slot", "height_cm"),
        ("user", "inform", None, ()),
        ("action", "size_form"),
        ("slot", "requested_slot", "weight_kg"),
        ("user", "inform", None, ()),
        ("action", "size_form"),
        ("active_loop", None),
        ("slot", "requested_slot", None),
        ("action", "action_recommend_size"),
    ]
    assert [e.entities for e in story.events if isinstance(e, UserUttered)][2:] == [
        [{"entity": "height", "value": 165}],
        [{"entity": "weight", "value": 55}],
    ]

    assert YAMLStoryReader.is_test_stories_file(str(tests))
    [test] = read_steps(tests)
    users = [e for e in rasa_events(test) if e[0] == "user"]
    assert users == [
        ("user", "greet", "亲 在吗", ()),
        ("user", "ask_size", "我穿多大码", ()),
        ("user", "inform", "身高１６５", (("height", "165", "１６５"),)),
        ("user", "inform", "110斤", (("weight", "55", "110斤"),)),
    ]
    assert [e for e in rasa_events(test) if e[0] != "user"] == [e for e in rasa_events(story) if e[0] != "user"]
    written = tests.read_text(encoding="utf-8")
    assert '      - user: |\n          身高[１６５]{"entity": "height", "value": "165"}\n        intent: inform\n' in written


def test_only_the_latest_session_after_the_last_restart(save_conversation: Callable, redis_server: RedisServer) -> None:
    save_conversation(
        "buyer_ahua",
        [
            *session_start(),
            user("能便宜点吗", "bargain"),
            ActionExecuted("action_bargain"),
            listen(),
            Restarted(),
            user("讲个笑话", "out_of_scope"),
            ActionExecuted("action_unclear"),
            UserUtteranceReverted(),  # forgotten, as Rasa forgets it
            user("包邮吗", "ask_free_shipping"),
            ActionExecuted("action_courier"),
            ActionReverted(),  # the wrong action undone
            ActionExecuted("action_free_shipping"),
            listen(),
        ],
    )
    built = stories_from_events("x", conversation_events(redis_server.url, "buyer_ahua"), SLOTS)
    assert built["story"]["steps"] == [{"intent": "ask_free_shipping"}, {"action": "action_free_shipping"}]
    assert built["test"]["steps"] == [{"user": "包邮吗\n", "intent": "ask_free_shipping"}, {"action": "action_free_shipping"}]


def test_a_conversation_without_messages_or_tracker_is_refused(save_conversation: Callable, redis_server: RedisServer) -> None:
    with pytest.raises(ConversationNotFound, match="no conversation 'nobody'"):
        conversation_events(redis_server.url, "nobody")
    save_conversation("quiet", [*session_start(), user("在吗", "greet"), ActionExecuted("action_greet"), Restarted()])
    with pytest.raises(StoryError, match="no buyer message"):
        stories_from_events("x", conversation_events(redis_server.url, "quiet"), SLOTS)


def test_append_keeps_the_file_and_never_duplicates_a_name(tmp_path: Path) -> None:
    path = tmp_path / "stories.yml"
    path.write_text(
        'version: "3.1"\n\n# hand-written\nstories:\n- story: old\n  steps:\n  - intent: greet\n' "  - action: action_greet\n",
        encoding="utf-8",
    )
    story = {"story": "new", "steps": [{"intent": "thank"}, {"action": "action_thank"}]}
    assert append_story(path, story).written
    assert not append_story(path, story).written  # the same story again: unchanged
    text = path.read_text(encoding="utf-8")
    assert text.startswith('version: "3.1"\n\n# hand-written\nstories:\n- story: old\n')
    assert text.endswith("\n- story: new\n  steps:\n  - intent: thank\n  - action: action_thank\n")
    assert [s["story"] for s in yaml.safe_load(text)["stories"]] == ["old", "new"]
    with pytest.raises(StoryError, match="already has a different story named 'new'"):
        append_story(path, {"story": "new", "steps": [{"intent": "greet"}, {"action": "action_greet"}]})
    rules = tmp_path / "rules.yml"
    rules.write_text('version: "3.1"\nstories: []\nrules: []\n', encoding="utf-8")
    with pytest.raises(StoryError, match="not the last section"):
        append_story(rules, story)


def test_the_command_writes_both_files(
    save_conversation: Callable,
    redis_server: RedisServer,
    store: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    from bot.trainer.corrections import mark_message

    monkeypatch.setenv("REDIS_URL", redis_server.url)
    save_conversation("buyer_xiaomei", size_conversation())
    mark_message(
        marks_of(store),
        conversation_id="buyer_xiaomei",
        message_id="m1",
        text="亲 在吗",
        correct_intent="greet",
        corrected_by="t",
        predicted_intent="greet",
    )
    stories, tests = tmp_path / "stories.yml", tmp_path / "test_x.yml"
    args = ["story-from-conversation", "buyer_xiaomei", "--stories", str(stories), "--test", str(tests)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"added: 'conversation buyer_xiaomei 2026-11-26 14:00' in {stories}" in printed
    assert "note: '亲 在吗' was marked greet" in printed
    assert main(args) == 0
    assert "already there" in capsys.readouterr().out
    assert len(read_steps(stories)) == 1 and len(read_steps(tests)) == 1
    assert main(["story-from-conversation", "nobody", "--stories", str(stories), "--no-test"]) == 2
