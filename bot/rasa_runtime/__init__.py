"""What the Rasa server process runs of ours beyond NLU components and channels: fixes to Rasa
3.6.21's internals (`patches`), a tracker store whose cost per message does not grow with the
conversation (`tracker_store`), and a lock store that is safe across replicas (`lock_store`).

Rasa 3.6.21 is the last open-source release, so these live here, each pinned to that version
with a test that fails when the internal it replaces changes.
"""
