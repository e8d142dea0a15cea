"""Trainer tools: intent corrections from real chats, their export to data/nlu, stories and
conversation tests from real conversations, and the score comparison after a retrain."""
