"""Nothing is recorded for the shop on the nearest intent alone: the words must ask for it."""

from __future__ import annotations

import pytest

from bot.services.evidence import (
    asks_address_change,
    asks_cancel,
    asks_for_a_person,
    asks_return,
    gives_delivery_instruction,
    is_praise,
    names_a_problem,
)


@pytest.mark.parametrize("text", ["收到了 质量不错", "衣服很好看 很喜欢", "宝贝收到了，挺满意的", "穿着很舒服"])
def test_praise_is_never_a_problem(text: str) -> None:
    assert is_praise(text) and not names_a_problem(text)


@pytest.mark.parametrize(
    "text", ["袖口有线头", "洗了一次就掉色", "领子破了个洞", "发错颜色了", "少发了一件", "拉链坏了", "穿着不舒服", "开机没反应"]
)
def test_problems_are_named(text: str) -> None:
    assert names_a_problem(text) and not is_praise(text)


@pytest.mark.parametrize("text", ["东西收到了", "快递到了", "这件衣服怎么样"])
def test_plain_news_names_no_problem(text: str) -> None:
    assert not names_a_problem(text)


@pytest.mark.parametrize("text", ["地址填错了要改一下", "帮我改个收货地址", "收件人电话写错了", "能换个收货人吗"])
def test_address_change_requests(text: str) -> None:
    assert asks_address_change(text)


@pytest.mark.parametrize(
    "text", ["这个地址能送到吗", "给我个退货地址我寄回去", "账号绑定的手机号要换", "发票上的地址写错了", "你们店在哪个地址"]
)
def test_address_words_that_ask_no_change(text: str) -> None:
    assert not asks_address_change(text)


@pytest.mark.parametrize("text", ["我想退货", "能换个尺码吗", "不合适可以退吗", "申请退款", "还能换吗"])
def test_return_requests(text: str) -> None:
    assert asks_return(text)


@pytest.mark.parametrize("text", ["先穿几天看看，合适就不换了", "不用退了", "能退差价吗", "退订", "换个地址", "太慢了要换别家了"])
def test_words_that_ask_no_return(text: str) -> None:
    assert not asks_return(text)


@pytest.mark.parametrize("text", ["帮我取消订单", "拍错了不想要了", "订单能撤销吗"])
def test_cancel_requests(text: str) -> None:
    assert asks_cancel(text)


@pytest.mark.parametrize("text", ["不取消了 还要的", "别取消啊", "能恢复订单吗"])
def test_keeping_an_order_is_no_cancel(text: str) -> None:
    assert not asks_cancel(text)


def test_a_person_asked_for_by_name() -> None:
    assert asks_for_a_person("订单有问题 转人工") and asks_for_a_person("我要真人客服")
    assert not asks_for_a_person("这个人工费贵吗".replace("人工", "做工"))


@pytest.mark.parametrize("text", ["放前台就行 谢谢", "让我同事代收一下", "周末再送吧我不在家", "送到公司", "送货前先打电话"])
def test_delivery_instructions(text: str) -> None:
    assert gives_delivery_instruction(text)


@pytest.mark.parametrize("text", ["是周五发货吧 到杭州要多久", "能放快递柜吗", "什么时候送", "快递到了没"])
def test_questions_about_delivery_are_no_instruction(text: str) -> None:
    assert not gives_delivery_instruction(text)


def test_a_question_is_told_from_a_statement() -> None:
    from bot.services.evidence import asks_a_question

    assert all(asks_a_question(t) for t in ("快递几点能到", "到了吗", "寄过去要多久", "能不能快点？"))
    assert not any(asks_a_question(t) for t in ("送货快慢我不在乎", "好的 我等着", "放门口就行"))


def test_news_of_arrival_is_told_from_a_question_or_a_problem() -> None:
    from bot.services.evidence import reports_arrival

    assert all(reports_arrival(t) for t in ("好了 到了", "已经收到了", "包裹签收了 谢谢"))
    assert not any(reports_arrival(t) for t in ("到了吗", "怎么还没到", "收到了 但是破了个洞", "什么时候能收到"))


def test_the_buyers_own_plan_is_news_not_a_question_request_or_guess() -> None:
    from bot.services.evidence import states_own_plan

    assert all(states_own_plan(t) for t in ("那我下午再来看看吧", "我去问问家里人", "我已经重新拍了一单"))
    assert not any(
        states_own_plan(t)
        for t in ("我明天能收到吗", "我先退了吧", "那我可能周末才在家", "我去看了 袖子破了", "帮我看下物流", "这件挺好")
    )


def test_not_having_ordered_yet_is_news_unless_asked() -> None:
    from bot.services.evidence import says_not_ordered_yet

    assert says_not_ordered_yet("我还没有下单") and says_not_ordered_yet("还没拍 先了解一下")
    assert not says_not_ordered_yet("还没付款能改地址吗") and not says_not_ordered_yet("我下单了")
