"""What the assistant says must be true for this buyer, this item and this order, and odd input
must not make it fail over to a human."""

from __future__ import annotations

import pytest

from actions.aftersales import ActionComplainQuality
from actions.bargaining import ActionBargain
from actions.chat import ActionGoodbye, ActionUnclear
from actions.orders import ActionChangeAddress, ActionOrderStatus
from actions.products import ActionProductInfo, ActionStock
from actions.sizing import ActionRecommendSize
from bot.context import Services
from bot.models import OrderStatus, ShopData
from bot.replies.format import money
from bot.services.orders import looks_like_address
from bot.store import ShopStore
from tests.conftest import handoffs_of
from tests.integration.actions.test_actions import run, tracker


def test_a_late_order_is_really_handed_to_a_person(services: Services) -> None:
    late = services.store.order("261124019907")  # paid 11-24, not shipped by 11-26
    assert late is not None and late.status is OrderStatus.paid
    texts, _ = run(
        ActionOrderStatus(services),
        tracker(
            sender="buyer_chenchen",
            intent="ask_order_status",
            text=f"{late.id}怎么还没发",
            entities=[{"entity": "order_id", "value": late.id}],
        ),
    )
    assert "人工" in texts[0]
    handoff = handoffs_of(services.store).handoff("buyer_chenchen")
    assert handoff is not None and handoff.order_id == late.id and "late" in handoff.reason


def test_an_order_on_time_stays_with_the_assistant(services: Services) -> None:
    texts, _ = run(
        ActionOrderStatus(services),
        tracker(
            sender="buyer_lili",
            intent="ask_order_status",
            text="261126005580发了吗",
            entities=[{"entity": "order_id", "value": "261126005580"}],
        ),
    )
    assert len(texts) == 1 and handoffs_of(services.store).handoff("buyer_lili") is None


def test_goodbye_promises_dispatch_only_for_a_paid_order(store: ShopStore, demo: ShopData, services: Services) -> None:
    # xiaomei with her paid order settled: only the unpaid one from today is left waiting.
    orders = [
        o.copy(update={"status": OrderStatus.delivered}) if o.buyer_id == "buyer_xiaomei" and o.status is OrderStatus.paid else o
        for o in demo.orders
    ]
    store.write_all(demo.copy(update={"orders": orders}))
    texts, _ = run(ActionGoodbye(services), tracker(intent="goodbye", text="拜拜"))
    assert "发货" not in texts[0]
    texts, _ = run(ActionGoodbye(services), tracker(sender="buyer_dawei", intent="goodbye", text="拜拜"))
    assert "发货" in texts[0]  # dawei has a paid order waiting to ship


def test_the_item_the_buyer_names_beats_the_page_they_are_on(services: Services) -> None:
    dress = services.store.product("D003")
    t = tracker(
        intent="ask_stock",
        text="小黑裙有货吗",
        metadata={"item_id": "T001"},
        entities=[{"entity": "product", "value": "D003"}],
    )
    texts, _ = run(ActionStock(services), t)
    assert dress.name in texts[0] and services.store.product("T001").name not in texts[0]


def test_an_unknown_item_page_is_not_the_previous_item(services: Services) -> None:
    tee = services.store.product("T001")
    t = tracker(intent="ask_product_info", text="多少钱", metadata={"item_id": "X999"}, slots={"current_product": "T001"})
    texts, _ = run(ActionProductInfo(services), t)
    assert tee.name not in texts[0] and money(tee.price) not in texts[0]


def test_a_complaint_is_filed_against_what_the_buyer_received(services: Services) -> None:
    # xiaomei is looking at the fan, but her delivered order holds the tote bag.
    t = tracker(intent="complain_quality", text="收到的有线头", metadata={"item_id": "F001"})
    run(ActionComplainQuality(services), t)
    complaint = services.store.requests("quality_complaint")[-1]
    order = services.store.order(complaint.order_id)
    assert complaint.sku in {item.sku for item in order.items}
    assert services.store.complaint_counts("F001") == {}


def test_a_complaint_before_anything_arrived_is_about_the_item_named(
    store: ShopStore, demo: ShopData, services: Services
) -> None:
    paid = next(o for o in demo.orders if o.status is OrderStatus.paid)
    only_paid = paid.copy(update={"id": "261126099999", "buyer_id": "buyer_new"})
    store.write_all(demo.copy(update={"orders": demo.orders + [only_paid]}))
    t = tracker(sender="buyer_new", intent="complain_quality", text="质量太差了", metadata={"item_id": "F001"})
    run(ActionComplainQuality(services), t)
    complaint = services.store.requests("quality_complaint")[-1]
    assert complaint.sku == "F001" and complaint.order_id is None  # not the unshipped order


@pytest.mark.parametrize(
    "slots, metadata",
    [
        ({"order_id": 261124012290}, {}),
        ({"height_cm": "abc", "weight_kg": "55", "current_product": "K001"}, {}),
        ({"bargain_count": "x", "current_product": "T001"}, {}),
        ({"unclear_count": "?"}, {}),
        ({"unclear_count": "inf", "height_cm": "inf", "weight_kg": "nan", "current_product": "K001"}, {}),
        ({}, "T001"),
    ],
    ids=["int-order-id", "text-measurements", "text-count", "text-unclear-count", "infinite", "string-metadata"],
)
def test_odd_slot_and_metadata_types_do_not_fail_over(services: Services, slots, metadata) -> None:
    t = tracker(intent="inform", text="嗯", slots=slots)
    t.latest_message["metadata"] = metadata
    for action in (ActionOrderStatus, ActionRecommendSize, ActionBargain, ActionUnclear, ActionProductInfo):
        texts, _ = run(action(services), t)
        assert texts and all("开了个小差" not in text for text in texts), action.__name__
    assert handoffs_of(services.store).handoff("buyer_xiaomei") is None


def test_an_emoji_is_not_an_empty_message(services: Services) -> None:
    t = tracker(intent="nlu_fallback", text="")
    t.latest_message["original_text"] = "😊"
    texts, _ = run(ActionUnclear(services), t)
    assert "空消息" not in texts[0]
    for invisible in ("  ", "\u200b\u200b"):
        t.latest_message["original_text"] = invisible
        texts, _ = run(ActionUnclear(services), t)
        assert "空消息" in texts[0]


def test_the_new_address_is_taken_not_asked_for_again(services: Services) -> None:
    asked, _ = run(ActionChangeAddress(services), tracker(intent="change_address", text="地址填错了"))
    assert "新的收货人" in asked[0]
    address = "浙江省杭州市西湖区文三路90号 张三 13800000000"
    pasted = tracker(intent="nlu_fallback", text=address, slots={"last_topic": "change_address"})
    texts, events = run(ActionUnclear(services), pasted)
    assert "新的收货人" not in texts[0] and "地址" in texts[0]
    assert not any(e.get("name") == "unclear_count" for e in events)
    received = services.store.requests("address_change")[-1]
    assert received.details["new_address"] == address and received.reason == "buyer sent the new address"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("浙江省杭州市西湖区文三路90号", True),
        ("上海市浦东新区 李四 13912345678", True),
        ("地址写错了 能改吗", False),
        ("改到北京", False),
        ("地址写错了 省市区都填错了 能改吗", False),
        ("261126009914", False),
    ],
)
def test_what_reads_as_a_pasted_address(text: str, expected: bool) -> None:
    assert looks_like_address(text) is expected


def test_when_will_it_ship_about_a_late_order_also_gets_a_person(services: Services) -> None:
    from actions.shipping import ActionShippingTime

    asked = tracker(sender="buyer_chenchen", intent="ask_shipping_time", text="我前天付的款怎么还没发出去")
    texts, _ = run(ActionShippingTime(services), asked)
    assert "261124019907" in texts[0] and "人工" in texts[-1]
    assert handoffs_of(services.store).handoff("buyer_chenchen").order_id == "261124019907"


@pytest.mark.parametrize(
    "text", ["现在拍下今天能发出吗", "晚上下单明天发吗", "寄到云南要几天", "今天拍什么时候发货", "什么时候发货"]
)
def test_a_pre_sale_shipping_question_gets_the_cut_off_rule_even_with_a_pending_order(services: Services, text: str) -> None:
    from actions.shipping import ActionShippingTime

    policy = services.store.shop().policy
    # buyer_chenchen has a paid order that is late: it is mentioned, as an aside, and not handed off.
    texts, _ = run(ActionShippingTime(services), tracker(sender="buyer_chenchen", intent="ask_shipping_time", text=text))
    assert len(texts) == 1
    assert f"{policy.same_day_cutoff_hour}点前付款当天发货" in texts[0]
    assert policy.default_courier.name in texts[0]
    assert texts[0].index("当天发货") < texts[0].index("261124019907")  # the order only after the answer
    assert handoffs_of(services.store).handoff("buyer_chenchen") is None


def test_a_colour_is_matched_to_the_items_own_shade(services: Services) -> None:
    from bot.services.products import match_colour

    dress = services.store.product("D001")  # 杏色 / 雾霾蓝色
    jeans = services.store.product("K001")  # 浅蓝色 / 深蓝色 / 黑色
    assert match_colour(dress, "蓝色") == ("雾霾蓝色", [])
    assert match_colour(dress, "杏色") == ("杏色", [])
    assert match_colour(dress, "红色") == ("红色", [])  # no red at all: answered as 没有
    assert match_colour(jeans, "蓝色") == (None, ["浅蓝色", "深蓝色"])  # which one is meant
    ask = tracker(
        intent="ask_stock",
        text="蓝色 M码有货吗",
        slots={"current_product": "D001"},
        entities=[{"entity": "colour", "value": "蓝色"}, {"entity": "size", "value": "M"}],
    )
    texts, _ = run(ActionStock(services), ask)
    assert "雾霾蓝色" in texts[0] and "没有蓝色" not in texts[0]
    ask_jeans = tracker(
        intent="ask_stock", text="蓝色有货吗", slots={"current_product": "K001"}, entities=[{"entity": "colour", "value": "蓝色"}]
    )
    texts, _ = run(ActionStock(services), ask_jeans)
    assert "浅蓝色" in texts[0] and "深蓝色" in texts[0] and "哪一个" in texts[0]


def test_can_it_go_to_a_region_is_answered_about_the_region(services: Services) -> None:
    from actions.shipping import ActionCourier

    ask = tracker(
        intent="ask_courier",
        text="新疆能发吗",
        slots={"current_product": "T001"},
        entities=[{"entity": "region", "value": "新疆"}],
    )
    texts, _ = run(ActionCourier(services), ask)
    policy = services.store.shop().policy
    assert "新疆可以发" in texts[0] and "包邮" in texts[0]
    assert f"{policy.default_courier.fee:g}" in texts[0] or "运费" in texts[0]
    which = tracker(
        intent="ask_courier",
        text="发新疆用什么快递",
        slots={"current_product": "T001"},
        entities=[{"entity": "region", "value": "新疆"}],
    )
    texts, _ = run(ActionCourier(services), which)
    assert "新疆可以发" not in texts[0]  # a courier question keeps its courier answer


def test_a_wrong_order_id_is_forgotten_after_its_answer(services: Services) -> None:
    from actions.orders import ActionOrderStatus

    # buyer_xiaomei types another buyer's order id: told it is not hers, and the id is dropped,
    # so her next "where is my parcel" finds her own order again.
    others = next(o for o in services.store.orders_of("buyer_dawei"))
    wrong = tracker(
        intent="ask_order_status",
        text=f"{others.id}到哪了",
        slots={"order_id": others.id},
        entities=[{"entity": "order_id", "value": others.id}],
    )
    texts, events = run(ActionOrderStatus(services), wrong)
    assert "没有查到" in texts[0] and others.id not in texts[0].replace(f"订单号为{others.id}", "")
    assert {"event": "slot", "timestamp": None, "name": "order_id", "value": None} in events
    again, _ = run(ActionOrderStatus(services), tracker(intent="ask_order_status", text="我的快递到哪了"))
    mine = {o.id for o in services.store.orders_of("buyer_xiaomei")}
    assert any(order_id in again[0] for order_id in mine)
