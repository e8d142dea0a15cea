"""Chat over REST with the real Rasa server, action server and Redis: real figures from the data."""

from __future__ import annotations

import pytest

from bot.models import HandoffReason
from bot.replies.format import money
from bot.services.sizing import Measurements, recommend_size
from tests.conftest import handoffs_of
from tests.e2e.conftest import Assistant, restart

pytestmark = pytest.mark.e2e


def joined(messages) -> str:
    return "\n".join(messages)


def test_greeting_names_the_shop_and_the_item(assistant: Assistant, sender: str) -> None:
    reply = joined(assistant.say(sender, "亲 在吗", item_id="D001"))
    assert assistant.store.shop().name in reply
    assert assistant.store.product("D001").name in reply


def test_free_shipping_answer_uses_the_policy_figures(assistant: Assistant, sender: str) -> None:
    policy = assistant.store.shop().policy
    tee = assistant.store.product("T001")
    reply = joined(assistant.say(sender, "这件包邮吗", item_id="T001"))
    assert money(policy.free_shipping_threshold) in reply
    assert money(policy.default_courier.fee) in reply
    assert money(tee.price) in reply


def test_item_named_in_text_becomes_current_product(assistant: Assistant, sender: str) -> None:
    fan = assistant.store.product("F001")
    reply = joined(assistant.say(sender, f"{fan.aliases[0]}寄新疆可以吗"))
    assert "新疆" in reply
    assert assistant.tracker(sender)["slots"]["current_product"] == "F001"


def test_size_recommendation_from_the_items_chart(assistant: Assistant, sender: str) -> None:
    jeans = assistant.store.product("K001")
    expected = recommend_size(jeans, Measurements(height_cm=165, weight_kg=55))
    reply = joined(assistant.say(sender, "身高165 体重110斤 穿多大码", item_id="K001"))
    assert f"建议拍{expected.size}码" in reply


def test_size_form_asks_for_what_is_missing(assistant: Assistant, sender: str) -> None:
    dress = assistant.store.product("D002")
    first = joined(assistant.say(sender, "我该选什么尺码", item_id="D002"))
    assert "身高" in first
    second = joined(assistant.say(sender, "一米六二", item_id="D002"))
    assert "体重" in second and "建议拍" not in second
    third = joined(assistant.say(sender, "一百斤", item_id="D002"))
    expected = recommend_size(dress, Measurements(height_cm=162, weight_kg=50))
    assert f"建议拍{expected.size}码" in third


def test_an_upset_buyer_inside_the_size_form_gets_a_human_not_the_next_question(assistant: Assistant, sender: str) -> None:
    assert "身高" in joined(assistant.say(sender, "我该选什么尺码", item_id="D002"))
    reply = joined(assistant.say(sender, "165 问这么多 气死了", item_id="D002"))
    assert "人工" in reply
    assert "体重" not in reply and "建议拍" not in reply  # neither the next question nor advice
    assert handoffs_of(assistant.store).handoff(sender).reason == HandoffReason.buyer_upset
    assert assistant.tracker(sender)["active_loop"] in ({}, None)


def test_bargaining_holds_the_price_across_asks(assistant: Assistant) -> None:
    sender = "buyer_chenchen"
    restart(assistant, sender)
    dress = assistant.store.product("D002")
    policy = assistant.store.shop().policy
    first = joined(assistant.say(sender, "能便宜点吗", item_id="D002"))
    second = joined(assistant.say(sender, "再少点呗", item_id="D002"))
    third = joined(assistant.say(sender, "便宜10块我就拍", item_id="D002"))
    fourth = joined(assistant.say(sender, "真的不能优惠吗", item_id="D002"))
    assert money(dress.price) in first and "实价" in first
    assert "包邮" in second
    assert policy.gift.description in third
    assert "优惠" in fourth and policy.gift.description not in fourth
    for reply in (first, second, third, fourth):
        assert "折" not in reply.replace("打折", "")  # never a made-up discount


def test_returning_customer_hears_exactly_the_policy_perks(assistant: Assistant) -> None:
    sender = "buyer_ahua"
    restart(assistant, sender)
    rule = assistant.store.shop().policy.returning_customer
    reply = joined(assistant.say(sender, "老顾客了 能便宜点不", item_id="T001"))
    assert money(rule.coupon_yuan) in reply and rule.gift in reply


def test_own_order_status_with_tracking(assistant: Assistant) -> None:
    sender = "buyer_dawei"
    restart(assistant, sender)
    order = next(o for o in assistant.store.orders_of(sender) if o.status.value == "shipped")
    reply = joined(assistant.say(sender, f"订单{order.id}到哪了"))
    assert order.tracking_number in reply and order.courier in reply


def test_order_id_given_after_being_asked(assistant: Assistant, sender: str) -> None:
    joined(assistant.say(sender, "我的快递到哪了"))
    reply = joined(assistant.say(sender, "261126009914"))
    assert "没有查到" in reply  # a visitor owns no orders


def test_someone_elses_order_reads_like_an_unknown_one(assistant: Assistant) -> None:
    sender = "buyer_xiaomei"
    restart(assistant, sender)
    others = next(o for o in assistant.store.orders_of("buyer_dawei"))
    theirs = joined(assistant.say(sender, f"帮我查下订单{others.id}"))
    unknown = joined(assistant.say(sender, "帮我查下订单999999999999"))
    assert theirs.replace(others.id, "#") == unknown.replace("999999999999", "#")
    assert others.tracking_number is None or others.tracking_number not in theirs


def test_request_human_is_recorded_with_the_conversation(assistant: Assistant, sender: str) -> None:
    reply = joined(assistant.say(sender, "转人工"))
    assert "人工" in reply
    handoffs = [r for r in assistant.store.requests("handoff") if r.conversation_id == sender]
    assert len(handoffs) == 1


def test_quality_complaint_is_recorded_against_the_item(assistant: Assistant, sender: str) -> None:
    before = assistant.store.complaint_counts("T002").get("掉色", 0)
    reply = joined(assistant.say(sender, "衣服洗了一次就掉色了 太差了", item_id="T002"))
    assert "抱歉" in reply and "照片" in reply
    assert assistant.store.complaint_counts("T002")["掉色"] == before + 1


@pytest.mark.parametrize(
    "text",
    ["", "   ", "好" * 5000, "😂😂😂", "\x00\x07\x1b[31m", "/request_human", '/greet{"order_id": "1"}', "\u200b\u200b"],
    ids=["empty", "whitespace", "5000-chars", "emoji", "control", "slash-intent", "slash-json", "zero-width"],
)
def test_bad_input_gets_a_polite_reply_and_the_chat_goes_on(assistant: Assistant, sender: str, text: str) -> None:
    replies = assistant.say(sender, text)
    assert replies and all("亲" in r for r in replies)
    if text.strip() and text.strip("\u200b"):
        assert "空消息" not in joined(replies)  # emoji or control characters are not "nothing"
    assert assistant.alive()
    follow_up = joined(assistant.say(sender, "这件包邮吗", item_id="T001"))
    assert "包邮" in follow_up
