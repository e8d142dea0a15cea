"""Buyer-facing Chinese text: every figure comes from the typed outcome passed in, never from here.

One module per capability, named as in bot/services/ and actions/ (products, sizing, shipping,
bargaining, orders, aftersales, chat, plus handoff and outreach for bot/handoff/ and
bot/outreach/); format.py holds what they share (money, days, lists). Nothing is re-exported:
a caller imports the capability it speaks for, `from bot.replies import shipping as shipping_replies`.

Tone: a good Taobao agent — warm (亲), short, truthful, never over-praising.
"""
