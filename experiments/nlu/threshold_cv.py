"""The fallback threshold from out-of-fold predictions over our own training data (5 folds):
the threshold with the lowest cost when a wrong answer costs twice a request to rephrase.

    .venv/bin/python -m experiments.nlu.threshold_cv
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.behaviours import SIBLING_INTENTS, UNSURE_BELOW
from bot.evaluation import REPHRASE_COST, THRESHOLDS, WRONG_ANSWER_COST
from experiments.nlu.harness import Data, Embeddings, concat, tfidf


def main() -> None:
    data = Data()
    embedded = 2 * Embeddings()(data.train)
    texts = np.array(data.train, dtype=object)
    confidence = np.zeros(len(texts))
    right = np.zeros(len(texts), dtype=bool)
    pair_confidence = np.zeros(len(texts))  # the top two together, where they are sibling intents
    pair_right = np.zeros(len(texts), dtype=bool)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, data.labels):
        X, Y = tfidf(list(texts[train]), list(texts[test]))
        clf = LogisticRegression(C=30, max_iter=1000).fit(concat(X, embedded[train]), data.labels[train])
        probabilities = clf.predict_proba(concat(Y, embedded[test]))
        confidence[test] = probabilities.max(1)
        right[test] = clf.classes_[probabilities.argmax(1)] == data.labels[test]
        top_two = np.argsort(-probabilities, axis=1)[:, :2]
        for row, (first, second) in enumerate(top_two):
            pair = {clf.classes_[first], clf.classes_[second]}
            if any(pair == set(group) for group in SIBLING_INTENTS):
                index = test[row]
                pair_confidence[index] = probabilities[row, first] + probabilities[row, second]
                pair_right[index] = data.labels[index] in pair
    print("| threshold | answered | right | wrong | cost |\n|---|---|---|---|---|")
    for threshold in THRESHOLDS:
        answered = confidence >= threshold
        wrong = (answered & ~right).mean()
        cost = WRONG_ANSWER_COST * wrong + REPHRASE_COST * (1 - answered.mean())
        print(f"| {threshold} | {answered.mean():.3f} | {(answered & right).mean():.3f} | {wrong:.3f} | {cost:.4f} |")
    # Calibration: how often the top intent is right within each confidence band. The assistant
    # acts on its own only where a guess is right at least 4 times in 5 (bot/behaviours.py).
    print("\n| confidence | messages | top intent right |\n|---|---|---|")
    edges = [0.0, 0.35, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.01]
    for low, high in zip(edges, edges[1:]):
        band = (confidence >= low) & (confidence < high)
        if band.any():
            print(f"| {low:.2f}-{min(high, 1.0):.2f} | {band.sum()} | {right[band].mean():.3f} |")
    # Sibling intents (bot/behaviours.py) the classifier was not sure between: how often the
    # buyer's intent is one of the two, by their joint confidence.
    print("\n| siblings, top unsure: joint confidence | messages | intent is one of the two |\n|---|---|---|")
    unsure_pair = (pair_confidence > 0) & (confidence < UNSURE_BELOW)
    for low, high in zip([0.0, 0.6, 0.7, 0.8, 0.9], [0.6, 0.7, 0.8, 0.9, 2.0]):
        band = unsure_pair & (pair_confidence >= low) & (pair_confidence < high)
        if band.any():
            print(f"| {low:.2f}-{min(high, 1.0):.2f} | {band.sum()} | {pair_right[band].mean():.3f} |")


if __name__ == "__main__":
    main()
