"""Handing a chat to a human agent, in one package.

rules.py     pure rules: an upset buyer, a refund above the shop's amount, whether the assistant
             answers while a chat is handed off, the human_first queueing, the one wait update
queue.py     the queue of handed-off chats: request, claim, reply, hand back, close, who is online
records.py   its Redis work: each chat's handoff, the open ones, the log of every step, presence
             (atomic Lua steps; the key names are in bot/store.py's one table)
request.py   asking for a person: record the request for the shop and, unless the shop answers
             only with the assistant, queue the chat
delivery.py  how the agent console hands an agent's reply to the Rasa server (shared secret)

Layers: all of it is below the actions and the adapters; the channels' gate (bot/channels/gate.py)
calls the queue, never the other way round (tests/unit/test_layers.py).
"""
