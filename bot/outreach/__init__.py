"""Keeping in touch with buyers, with their consent: campaigns, birthday wishes, the follow-up
after delivery and the 催付 reminder of an unpaid order, all sent through the agent-reply delivery
path (bot/outreach/sender.py) on a schedule in Redis that a restart neither loses nor repeats
(bot/outreach/scheduler.py)."""
