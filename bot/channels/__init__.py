"""The Rasa server's input channels: the buyer's front door, in one package.

rest.py       Rasa's REST channel with metadata, signatures, message ids and 503s
socket_io.py  Rasa's socket.io channel with agent replies, buyer tokens and shared rooms
gate.py       per buyer message, before the assistant: photos, the rate limit, 退订, follow-up
              answers and the handoff silence

Layers: the channels are adapters at the top; the handoff queue, outreach, photos and metrics
are what the gate calls, never what calls it (tests/unit/test_layers.py).
"""
