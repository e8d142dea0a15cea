"""Asking for a person, and the channels' own answers while one is asked for (bot/handoff/)."""

from __future__ import annotations


def handoff(
    in_working_hours: bool,
    working_hours: str,
    upset: bool = False,
    agent_online: bool = False,
    queued: bool = True,
) -> str:
    """What happens next, as it is: a person is on the way, or will follow up later, or (a shop
    that answers only with the assistant) the shop was told; the assistant keeps helping."""
    opening = "亲，真的非常抱歉让您不开心了，" if upset else "亲，"
    if not queued:
        return opening + "您的问题我已经记录下来转给店铺了，店铺会尽快跟进；现在我会继续为您解答，有什么问题随时问我哦～"
    if in_working_hours and agent_online:
        return opening + "已经帮您转接人工客服了，客服看到后会马上回复您；在这之前有什么问题也可以继续问我哦～"
    if in_working_hours:
        return (
            opening + "已经帮您登记转人工了。现在人工客服暂时都不在线，我会继续为您解答，客服一上线就会第一时间跟进您的问题哦～"
        )
    return (
        opening + f"已经帮您登记转人工了。现在是非工作时间（人工客服在线时间{working_hours}），"
        "我会继续为您解答，人工客服上班后会第一时间跟进您的问题哦～"
    )


def try_again_later() -> str:
    return "亲，系统正在维护，这条消息没能收到，麻烦您稍后再发一次哦，给您添麻烦了～"


def slow_down() -> str:
    return "亲，您发得太快啦，我有点跟不上～请稍等几秒再发，您的消息我都记下了哦～"


def already_with_a_person() -> str:
    """An unclear message after the chat was handed off: the promise stands, nothing new."""
    return "亲，您的问题已经转给人工客服啦，客服会尽快回复您，请稍等哦～"


def queued_for_a_person() -> str:
    return "亲，您好～人工客服在线，马上为您服务，请稍等一下哦～"


def handoff_still_waiting() -> str:
    return "亲，让您久等了，人工客服还在忙，我先继续为您服务，客服一空下来就会马上回复您哦～"


def action_failed() -> str:
    return "亲，不好意思，系统刚才开了个小差，我已经帮您转人工客服了，请稍等一下哦～"


def action_failed_no_handoff() -> str:
    return "亲，不好意思，系统刚才开了个小差，麻烦您过几分钟再发一次消息哦，给您添麻烦了～"
