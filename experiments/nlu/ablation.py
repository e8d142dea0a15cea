"""Which features earn their place: each variant trained on data/nlu/ and scored side by side.

    .venv/bin/python -m experiments.nlu.ablation
"""
from __future__ import annotations

from sklearn.linear_model import LogisticRegression

from experiments.nlu.harness import Data, Embeddings, concat, scores, tfidf


def main() -> None:
    data = Data()
    embed = Embeddings()
    held, real = [t for t, _ in data.heldout], [t for t, _ in data.real]
    chars = tfidf(data.train, held, real)
    query = [embed(texts) for texts in (data.train, held, real)]
    passage = [embed(texts, "passage") for texts in (data.train, held, real)]
    variants = {
        "char 1-3 TF-IDF": chars,
        "char 1-4 TF-IDF": tfidf(data.train, held, real, hi=4),
        "e5 query": query,
        "e5 passage": passage,
        "char 1-3 TF-IDF + e5 query": [concat(c, q) for c, q in zip(chars, query)],
        "char 1-3 TF-IDF + 2 x e5 query": [concat(c, 2 * q) for c, q in zip(chars, query)],
        "char 1-3 TF-IDF + e5 query + e5 passage": [concat(c, q, p) for c, q, p in zip(chars, query, passage)],
    }
    print("| features | C | class weights | held-out macro-F1 | real-buyer macro-F1 |\n|---|---|---|---|---|")
    for name, (X, H, R) in variants.items():
        for C in (3, 10, 30):
            for weights in (None, "balanced"):
                clf = LogisticRegression(C=C, class_weight=weights, max_iter=2000).fit(X, data.labels)
                held_f1, real_f1 = scores(clf, H, R, data)
                print(f"| {name} | {C} | {weights or 'none'} | {held_f1:.3f} | {real_f1:.3f} |", flush=True)


if __name__ == "__main__":
    main()
