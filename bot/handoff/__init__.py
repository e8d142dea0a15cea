"""Handing a chat to a human agent, in one package.

rules.py     pure rules: an upset buyer, a refund above the shop's amount, whether the assistant
             answers while a chat is handed off, the human_first queueing, the one wait update
queue.py     the queue of handed-off chats: request, claim, reply, hand back, close, who is online
             (its state and atomic steps are keys of bot/store.py, the one owner of Redis keys)
request.py   asking for a person: record the request for the shop and, unless the shop answers
             only with the assistant, queue the chat
gate.py      in the Rasa server's input channels (bot/channels.py): per buyer message, answer or
             only record it for the agent
delivery.py  how the agent console hands an agent's reply to the Rasa server (shared secret)

Layers: rules, queue, request and delivery are below the actions and adapters; the gate is an
adapter (it runs in the Rasa server), so nothing else in the package imports it
(tests/unit/test_layers.py).
"""
