"""A second question is read from the words of its own clause, never from a mention."""

from bot.services.questions import second_question


def test_a_second_question_in_its_own_clause_is_found() -> None:
    assert second_question("亲 包邮吗？发什么快递", "ask_free_shipping") == "ask_courier"
    assert second_question("走什么快递呀 今天能发吗", "ask_courier") == "ask_shipping_time"
    assert second_question("这件有货吗，包邮不", "ask_stock") == "ask_free_shipping"


def test_one_question_or_a_mere_mention_is_not_a_second_question() -> None:
    assert second_question("包邮吗", "ask_free_shipping") is None
    assert second_question("包邮吗 包邮的话我就拍了", "ask_free_shipping") is None
    assert second_question("快递到了 谢谢", "ask_order_status") is None
    assert second_question("我要退货 运费险能赔吗", "return_exchange") is None
