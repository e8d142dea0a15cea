"""The knowledge matcher's similarity threshold, from our own paraphrases only (never the eval files).

Positives: each similar question of the demo shop's knowledge pack, left out of the index in turn,
must find its own entry. Negatives: every training message of data/nlu/ (other intents: sizes,
orders, bargains…) must find none. Keywords are left out here: they match exactly. Prints, per
threshold, how many paraphrases found their entry, how many found another, and how many of the
other-intent messages were answered from the knowledge base.

    .venv/bin/python experiments/knowledge/threshold_cv.py
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import yaml

from bot.knowledge import matching
from bot.knowledge.matching import KnowledgeIndex
from bot.loader import parse, read_file

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def training_messages() -> list:
    texts = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().lstrip("- ").strip()
                if text:
                    texts.append(text)
    return texts


def main() -> None:
    shop = parse(ROOT / "data" / "shop" / "demo_shop.yml", read_file(ROOT / "data" / "shop" / "demo_shop.yml"))
    entries = [e.copy(update={"keywords": []}) for e in shop.knowledge]
    others = training_messages()
    print(f"{len(entries)} entries, {sum(len(e.similar) for e in entries)} paraphrases, {len(others)} other messages")
    print("threshold  own  other-entry  none  | other-intent messages answered")
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        matching.SIMILARITY_THRESHOLD = threshold
        own = wrong = none = 0
        for position, entry in enumerate(entries):
            for left_out in entry.similar:
                kept = entry.copy(update={"similar": [s for s in entry.similar if s != left_out]})
                index = KnowledgeIndex([*entries[:position], kept, *entries[position + 1 :]])
                found = index.matches(left_out, NOW)
                if not found:
                    none += 1
                elif found[0].entry.key == entry.key:
                    own += 1
                else:
                    wrong += 1
        index = KnowledgeIndex(entries)
        false = sum(bool(index.matches(text, NOW)) for text in others)
        print(f"  {threshold:.2f}     {own:>3}  {wrong:>6}     {none:>4}  | {false} ({false / len(others):.1%})")


if __name__ == "__main__":
    main()
