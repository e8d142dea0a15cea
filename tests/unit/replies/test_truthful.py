"""Buyer-facing text states only what the shop's data says (the demo shop, in memory)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import fixed_clock
from bot.models import OrderStatus
from bot.replies import aftersales as aftersales_replies
from bot.replies import bargaining as bargaining_replies
from bot.replies import handoff as handoff_replies
from bot.replies import orders as orders_replies
from bot.replies import products as products_replies
from bot.replies import shipping as shipping_replies
from bot.replies import sizing as sizing_replies
from bot.replies.format import day, join, money
from bot.services.aftersales import ComplaintRecord, ReturnDecision, ReturnOutcome, request_return
from bot.services.bargaining import BargainStep, respond
from bot.services.orders import AddressChange, AddressChangeOutcome
from bot.services.products import ProductTopic
from bot.services.shipping import quote
from bot.services.sizing import Measurements, SizeOutcome, recommend_size
from tests.conftest import DEMO_NOW
from tests.unit.memory_store import MemoryShopStore


def perks_part(text: str) -> str:
    """The returning-customer sentence of a bargain reply ('' when there is none)."""
    return text.partition("您是我们的老顾客")[2]


# -- A. restricted regions ------------------------------------------------------------------------
def test_bargain_shipping_line_says_a_restricted_item_cannot_go_there(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    region = next(r for r in fan.restricted_regions if r in policy.free_shipping_excluded_regions)
    reply = respond(policy, fan, None, 2, region)
    assert reply.step is BargainStep.free_shipping
    text = bargaining_replies.bargain(reply)
    assert f"寄不了{region}" in text
    assert "运费" not in text and money(policy.default_courier.fee) not in text


def test_shipping_time_says_a_restricted_item_cannot_go_there(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    region = fan.restricted_regions[-1]
    text = shipping_replies.shipping_time(policy, DEMO_NOW, quote(policy, fan, region), fan)
    assert f"寄不了{region}" in text and "发出" not in text
    allowed = shipping_replies.shipping_time(policy, DEMO_NOW, quote(policy, fan, "浙江"), fan)
    assert "今天" in allowed and "寄不了" not in allowed


def test_free_shipping_reply_quotes_no_fee_where_the_item_cannot_go(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    region = next(r for r in fan.restricted_regions if r in policy.free_shipping_excluded_regions)
    text = shipping_replies.free_shipping(quote(policy, fan, region), fan)
    assert f"寄不了{region}" in text and "运费" not in text


# -- B. returning-customer perks -----------------------------------------------------------------
def test_returning_perks_never_contradict_the_shipping_quote(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    ahua = store.buyer("buyer_ahua")
    region = policy.free_shipping_excluded_regions[0]
    reply = respond(policy, store.product("T001"), ahua, 2, region)
    assert reply.perks is not None and not reply.perks.free_shipping
    text = bargaining_replies.bargain(reply)
    assert "不在包邮范围" in text
    assert perks_part(text) and "包邮" not in perks_part(text)


def test_hold_firm_reply_adds_no_perks(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    reply = respond(policy, store.product("T001"), store.buyer("buyer_ahua"), 4)
    assert reply.step is BargainStep.hold_firm and reply.perks is not None
    text = bargaining_replies.bargain(reply)
    assert "都一样" in text and perks_part(text) == "" and "优惠券" not in text


# -- C. size advice --------------------------------------------------------------------------------
def test_no_bigger_size_is_offered_at_the_largest_size(store: MemoryShopStore, demo) -> None:
    tee = store.product("T001")
    advice = recommend_size(tee, Measurements(height_cm=178, weight_kg=72))
    assert advice.size == tee.sizes[-1] and advice.larger_size is None
    text = sizing_replies.size_advice(tee, advice, 178, 72)
    assert "再大一码" not in text
    smaller = recommend_size(tee, Measurements(height_cm=160, weight_kg=50))
    assert smaller.larger_size == tee.sizes[2]
    assert tee.sizes[2] in sizing_replies.size_advice(tee, smaller, 160, 50)


def test_body_inside_the_largest_row_is_not_called_outside_the_chart(store: MemoryShopStore, demo) -> None:
    jeans = store.product("K001")
    top = jeans.size_chart[-1]
    assert top.height_cm.contains(175) and top.weight_kg.contains(70)
    advice = recommend_size(jeans, Measurements(height_cm=175, weight_kg=70))
    assert advice.outcome is SizeOutcome.largest_runs_small and advice.chart_size == top.size
    text = sizing_replies.size_advice(jeans, advice, 175, 70)
    assert "超出" not in text and f"{top.size}码" in text and "偏小" in text


def test_runs_large_at_the_smallest_size_suggests_no_smaller_size(store: MemoryShopStore, demo) -> None:
    hoodie = store.product("W001")
    advice = recommend_size(hoodie, Measurements(height_cm=156, weight_kg=46))
    assert advice.size == hoodie.sizes[0]
    text = sizing_replies.size_advice(hoodie, advice, 156, 46)
    assert "小一码" not in text and "最小码" in text


# -- D. claims the data does not make ---------------------------------------------------------------
def test_below_threshold_states_the_real_gap(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    fan = store.product("F001")
    shipping = quote(policy, fan, "浙江")
    text = shipping_replies.free_shipping(shipping, fan)
    assert "再凑一件" not in text
    assert money(policy.free_shipping_threshold - fan.price) in text


def test_excluded_regions_come_from_the_policy(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    regions = join(policy.free_shipping_excluded_regions)
    dear = max(store.products(), key=lambda p: p.price)
    assert regions in shipping_replies.free_shipping(quote(policy, dear, None), dear)
    assert regions in shipping_replies.free_shipping_rule(policy)
    assert regions in shipping_replies.free_shipping(quote(policy, None, None, amount=1), None)


def test_gift_replies_make_no_quantity_claim(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    dress = store.product("D002")
    reply = respond(policy, dress, None, 3)
    assert reply.step is BargainStep.gift
    for text in (bargaining_replies.bargain(reply), bargaining_replies.gift(policy, dress)):
        assert policy.gift.description in text and "送完即止" not in text


def test_handoff_reply_names_no_waiting_time(store: MemoryShopStore, demo) -> None:
    text = handoff_replies.handoff(True, store.shop().policy.working_hours)
    assert "人工" in text and "分钟" not in text


def test_cancel_and_in_transit_replies_promise_only_a_human_check(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    clock = fixed_clock(DEMO_NOW)
    paid = next(o for o in demo.orders if o.status is OrderStatus.paid)
    shipped = next(o for o in demo.orders if o.status is OrderStatus.shipped)
    cancel = aftersales_replies.return_decision(request_return(store, policy, paid, paid.buyer_id, "不要了", clock))
    transit = aftersales_replies.return_decision(request_return(store, policy, shipped, shipped.buyer_id, "不要了", clock))
    assert "拦截不发" not in cancel and "核实" in cancel
    assert "直接拒收" not in transit and "人工" in transit


def test_excluded_category_reply_uses_the_policy_window(store: MemoryShopStore, demo) -> None:
    order = next(o for o in demo.orders if o.status is OrderStatus.delivered)
    days = store.shop().policy.return_window_days + 8  # any window: the text must follow the data
    decision = ReturnDecision(ReturnOutcome.excluded, order, days, excluded_items=["德绒保暖内衣套装"])
    text = aftersales_replies.return_decision(decision)
    assert f"{days}天无理由" in text and "七天" not in text


def test_complaint_reply_does_not_promise_to_pay_shipping(store: MemoryShopStore, demo) -> None:
    text = aftersales_replies.complaint(ComplaintRecord(sku="T002", product_name="宽松落肩印花短袖T恤", times_reported=1))
    assert "照片" in text and "运费" not in text


# -- E. sold-out colours ----------------------------------------------------------------------------
def test_sold_out_colour_is_marked_as_such(store: MemoryShopStore, demo) -> None:
    bag = store.product("B002")
    empty = [c for c in bag.colours if bag.stock_of(c) == 0]
    assert empty == ["棕色"]
    for topic in (ProductTopic.colour, ProductTopic.general):
        text = products_replies.product_info(bag, topic)
        assert "棕色暂时缺货" in text
        assert "3个颜色可选" not in text


# -- F. return deadline ------------------------------------------------------------------------------
def test_last_day_of_the_window_is_written_as_inclusive(store: MemoryShopStore, demo) -> None:
    policy = store.shop().policy
    order = next(
        o
        for o in demo.orders
        if o.status is OrderStatus.delivered
        and all(store.product(i.sku).category not in policy.no_reason_return_excluded_categories for i in o.items)
    )
    last_day = order.delivered_at + timedelta(days=policy.return_window_days)
    decision = request_return(store, policy, order, order.buyer_id, "想退", fixed_clock(last_day))
    assert decision.outcome is ReturnOutcome.recorded
    text = aftersales_replies.return_decision(decision)
    assert f"截止{day(decision.deadline)}" in text and "前）" not in text


# -- a new address that was recorded is not called unchangeable --------------------------------------
def test_a_received_address_is_confirmed_not_refused(store: MemoryShopStore, demo) -> None:
    paid = next(o for o in demo.orders if o.status is OrderStatus.paid)
    text = orders_replies.address_change(AddressChange(AddressChangeOutcome.address_received, paid))
    assert paid.id in text and "登记" in text and "改不了" not in text and "已经完成" not in text
