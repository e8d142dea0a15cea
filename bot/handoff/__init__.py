"""Handing a chat to a human agent, in one package.

rules.py     pure rules: an upset buyer, a refund above the shop's amount, whether the assistant
             answers while a chat is handed off, the human_first queueing, the one wait update
queue.py     the queue of handed-off chats: request, claim, reply, hand back, close, who is online
             (its state and atomic steps are keys of bot/store.py, the one owner of Redis keys)
request.py   asking for a person: record the request for the shop and, unless the shop answers
             only with the assistant, queue the chat
delivery.py  how the agent console hands an agent's reply to the Rasa server (shared secret)

Layers: all of it is below the actions and the adapters; the channels' gate (bot/channels/gate.py)
calls the queue, never the other way round (tests/unit/test_layers.py).
"""
