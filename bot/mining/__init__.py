"""The questions nobody answered: buyer messages the assistant asked back on or handed off
(folded by bot/metrics into `metrics:hour:{…}:missed`), grouped by meaning for owners and trainers
to turn into knowledge entries or training examples (bot/console/mining_page.py)."""
