"""Bare acknowledgements, thanks, praise and closings, read as a whole message."""

from __future__ import annotations

import pytest

from bot.services.acknowledgement import Acknowledgement, acknowledgement


@pytest.mark.parametrize(
    "text, kind",
    [
        ("嗯", Acknowledgement.ack),
        ("嗯嗯 好的", Acknowledgement.ack),
        ("好的呢 我看看", Acknowledgement.ack),
        ("快递到了哦", None),
        ("已经到了哈", Acknowledgement.ack),
        ("好的，谢谢亲", Acknowledgement.thanks),
        ("收到了 质量不错", Acknowledgement.praise),
        ("没事了 拜拜", Acknowledgement.closing),
    ],
)
def test_whole_messages(text: str, kind) -> None:
    assert acknowledgement(text) is kind


@pytest.mark.parametrize("text", ["好的 那什么时候发货", "嗯 能便宜点吗", "是的 我要退货", "这个多少钱", "", "的了吧"])
def test_anything_more_is_not_an_acknowledgement(text: str) -> None:
    assert acknowledgement(text) is None


def test_waiting_and_having_submitted_are_acknowledgements() -> None:
    from bot.services.acknowledgement import Acknowledgement, acknowledgement

    assert acknowledgement("好吧，我等等看。") is Acknowledgement.ack
    assert acknowledgement("我提交了") is Acknowledgement.ack
    assert acknowledgement("我提交了 怎么还没退款") is None


def test_a_closing_clause_after_a_statement_is_found() -> None:
    from bot.services.acknowledgement import Acknowledgement, closing_words

    assert closing_words("以前都是这么发的 就是问问 没事了 谢谢") is Acknowledgement.thanks
    assert closing_words("那就这样吧，再见") is Acknowledgement.closing
    assert closing_words("谢谢") is None  # one clause: acknowledgement() reads it whole
    assert closing_words("什么时候发货 谢谢") is Acknowledgement.thanks  # the caller checks the rest asks nothing
