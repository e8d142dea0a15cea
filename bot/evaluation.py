"""`make eval`: intent quality on our held-out split and on real buyer messages, entity accuracy.

Writes reports/nlu/report.json, one confusion-matrix PNG per intent set, and prints a summary.
The real buyer file (../shared/eval) is scored with the merges its README asks for:
thank/goodbye as one class and ask_product_info/ask_stock as one class. A prediction of
nlu_fallback (low confidence) counts as wrong: for a buyer it is not an answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.model_files import trained_model
from bot.settings import PROJECT_ROOT

REAL_BUYER_FILE = PROJECT_ROOT.parent / "shared" / "eval" / "real_buyer_messages.tsv"
HELDOUT_FILE = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
ENTITY_FILE = PROJECT_ROOT / "tests" / "nlu" / "entities.yml"
FLOOR_FILE = PROJECT_ROOT / "tests" / "nlu" / "quality_floor.json"
REPORT_DIR = PROJECT_ROOT / "reports" / "nlu"
MERGES = {"goodbye": "thank", "ask_stock": "ask_product_info"}


@dataclass
class IntentScores:
    name: str
    messages: int
    accuracy: float
    macro_f1: float
    per_intent: Dict[str, Dict[str, float]]
    worst_confusions: List[Tuple[str, str, int]]
    fallback_rate: float


def read_heldout(path: Path = HELDOUT_FILE) -> List[Tuple[str, str]]:
    cases = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()[2:].strip()
            if text:
                cases.append((text, block["intent"]))
    return cases


def read_real_buyers(path: Path = REAL_BUYER_FILE) -> List[Tuple[str, str]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, intent = line.partition("\t")
        if text.strip() and intent.strip():
            cases.append((text.strip(), intent.strip()))
    return cases


def score(name: str, gold: Sequence[str], predicted: Sequence[str], merge: bool) -> IntentScores:
    from sklearn.metrics import precision_recall_fscore_support

    if merge:
        gold = [MERGES.get(g, g) for g in gold]
        predicted = [MERGES.get(p, p) for p in predicted]
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    confusions = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    return IntentScores(
        name=name,
        messages=len(gold),
        accuracy=round(sum(g == p for g, p in zip(gold, predicted)) / max(len(gold), 1), 4),
        macro_f1=round(float(sum(f1) / max(len(f1), 1)), 4),
        per_intent=per_intent,
        worst_confusions=[(g, p, n) for (g, p), n in confusions.most_common(10)],
        fallback_rate=round(sum(p == "nlu_fallback" for p in predicted) / max(len(predicted), 1), 4),
    )


def plot_confusion(result: IntentScores, gold: Sequence[str], predicted: Sequence[str], merge: bool) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    if merge:
        gold = [MERGES.get(g, g) for g in gold]
        predicted = [MERGES.get(p, p) for p in predicted]
    labels = sorted(set(gold) | set(predicted))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    figure, axes = plt.subplots(figsize=(11, 9))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                axes.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title(f"{result.name}: macro-F1 {result.macro_f1:.3f}")
    figure.tight_layout()
    path = REPORT_DIR / f"confusion_{result.name}.png"
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


# Costs for choosing the fallback threshold: a wrong answer misleads the buyer and still needs a
# rephrase, so it costs twice what an honest "please rephrase" costs; a right answer costs nothing.
WRONG_ANSWER_COST = 2.0
REPHRASE_COST = 1.0
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 19)]


def best_guess(result: dict) -> Tuple[str, float]:
    """The classifier's top intent and confidence, looking past the FallbackClassifier."""
    for candidate in result.get("intent_ranking") or []:
        if candidate.get("name") != "nlu_fallback":
            return candidate["name"], float(candidate.get("confidence") or 0.0)
    intent = result.get("intent") or {}
    return intent.get("name") or "none", float(intent.get("confidence") or 0.0)


def threshold_sweep(parsed: Sequence[dict], gold: Sequence[str], merge: bool) -> List[Dict[str, float]]:
    """For each threshold: how often the assistant answers, how often rightly, and the cost."""
    guesses = [best_guess(r) for r in parsed]
    if merge:
        gold = [MERGES.get(g, g) for g in gold]
        guesses = [(MERGES.get(i, i), c) for i, c in guesses]
    rows = []
    for threshold in THRESHOLDS:
        answered = [(g, i) for g, (i, c) in zip(gold, guesses) if c >= threshold]
        right = sum(g == i for g, i in answered)
        wrong = len(answered) - right
        fallback = len(gold) - len(answered)
        rows.append(
            {
                "threshold": threshold,
                "answered": round(len(answered) / max(len(gold), 1), 4),
                "right": round(right / max(len(gold), 1), 4),
                "wrong": round(wrong / max(len(gold), 1), 4),
                "cost": round((wrong * WRONG_ANSWER_COST + fallback * REPHRASE_COST) / max(len(gold), 1), 4),
            }
        )
    return rows


def entity_scores(parsed: Sequence[dict], cases: Sequence[dict]) -> Dict[str, Any]:
    """Exact match of (entity, value) pairs; product entities depend on the catalogue, skipped."""
    true_positive = false_positive = false_negative = 0
    misses = []
    for result, case in zip(parsed, cases):
        expected = {(k, _canonical(v)) for k, v in (case.get("entities") or {}).items() if k != "product"}
        found = {(e["entity"], _canonical(e["value"])) for e in result.get("entities", []) if e["entity"] != "product"}
        true_positive += len(expected & found)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        if expected != found:
            misses.append({"text": case["text"], "expected": sorted(expected), "found": sorted(found)})
    precision = true_positive / max(true_positive + false_positive, 1)
    recall = true_positive / max(true_positive + false_negative, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return {
        "cases": len(cases),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "misses": misses[:20],
    }


def _canonical(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def quiet_rasa() -> None:
    """Rasa logs every parse at debug level by default; reports need only the numbers."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)


async def parse_all(model: Path, texts: Sequence[str]) -> Tuple[List[dict], List[float]]:
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(model))
    results, timings = [], []
    for text in texts:
        start = time.perf_counter()
        results.append(await agent.parse_message(text))
        timings.append(time.perf_counter() - start)
    return results, timings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--check-floor", action="store_true", help="exit 1 below tests/nlu/quality_floor.json")
    args = parser.parse_args(argv)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    model = args.model or trained_model()

    sets = [("heldout", read_heldout(), False)]
    if REAL_BUYER_FILE.exists():
        sets.append(("real_buyers", read_real_buyers(), True))
    entity_cases = yaml.safe_load(ENTITY_FILE.read_text(encoding="utf-8"))
    all_texts = [t for _, cases, _ in sets for t, _ in cases] + [c["text"] for c in entity_cases]
    parsed, timings = asyncio.run(parse_all(model, all_texts))

    report: Dict = {"model": model.name, "intents": {}}
    offset = 0
    for name, cases, merge in sets:
        chunk = parsed[offset : offset + len(cases)]
        offset += len(cases)
        gold = [g for _, g in cases]
        predicted = [r["intent"]["name"] or "none" for r in chunk]
        result = score(name, gold, predicted, merge)
        plot_confusion(result, gold, predicted, merge)
        report["intents"][name] = asdict(result)
        sweep = threshold_sweep(chunk, gold, merge)
        report["intents"][name]["threshold_sweep"] = sweep
        cheapest = min(sweep, key=lambda row: (row["cost"], -row["threshold"]))
        report["intents"][name]["cheapest_threshold"] = cheapest["threshold"]
        print(
            f"{name}: {result.messages} messages, macro-F1 {result.macro_f1:.3f}, "
            f"accuracy {result.accuracy:.3f}, fallback {result.fallback_rate:.1%}"
        )
        for label, s in result.per_intent.items():
            print(f"  {label:18s} P {s['precision']:.2f}  R {s['recall']:.2f}  F1 {s['f1']:.2f}  n={s['support']}")
        print("  worst confusions: " + ", ".join(f"{g}→{p} ×{n}" for g, p, n in result.worst_confusions[:5]))
        print(
            f"  fallback threshold with the lowest cost on this set: {cheapest['threshold']} "
            f"(answers {cheapest['answered']:.0%}, right {cheapest['right']:.0%}, wrong {cheapest['wrong']:.0%})"
        )
    entities = entity_scores(parsed[offset:], entity_cases)
    report["entities"] = entities
    print(
        f"entities: {entities['cases']} cases, precision {entities['precision']:.3f}, "
        f"recall {entities['recall']:.3f}, F1 {entities['f1']:.3f}"
    )
    ordered = sorted(timings)
    report["parse_ms_median"] = round(ordered[len(ordered) // 2] * 1000, 2)
    print(f"parse time (in-process, median of {len(ordered)}): {report['parse_ms_median']} ms")
    (REPORT_DIR / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"report: {REPORT_DIR / 'report.json'}")

    if args.check_floor:
        floor = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))
        failures = [
            f"{name} macro-F1 {report['intents'][name]['macro_f1']:.3f} < floor {value:.3f}"
            for name, value in floor.items()
            if name in report["intents"] and report["intents"][name]["macro_f1"] < value
        ]
        if failures:
            print("BELOW THE QUALITY FLOOR: " + "; ".join(failures), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
