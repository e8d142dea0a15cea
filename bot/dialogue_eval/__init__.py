"""`make eval-dialogues`: whole labelled conversations replayed through the real assistant.

Each session's buyer turns go, in order, to a running assistant (Redis, action server, Rasa
server) as one buyer who has orders in every state; what the assistant did on each turn (the
`behaviour` slot, see bot/behaviours.py) is scored against the behaviours the turn's labels accept
(appropriate / missed / wrong, and harmful on top of wrong). The file format and the scoring are
the ones of ../shared/eval/real_sessions_README.md, so a shop can label its own chats the same way.
"""
