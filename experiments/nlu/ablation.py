"""Which features earn their place: each variant trained on data/nlu/ and scored side by side,
with no fallback (every message gets the top intent).

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
        **{
            f"char 1-3 TF-IDF + {weight} x e5 query": [concat(c, weight * q) for c, q in zip(chars, query)]
            for weight in (0.5, 1, 1.5, 2)
        },
        "char 1-4 TF-IDF + e5 query": [concat(c, q) for c, q in zip(tfidf(data.train, held, real, hi=4), query)],
        "char 1-3 TF-IDF + e5 query + e5 passage": [concat(c, q, p) for c, q, p in zip(chars, query, passage)],
        "char 1-3 TF-IDF + e5 query + char_wb 1-4 TF-IDF": [
            concat(c, q, w) for c, q, w in zip(chars, query, tfidf(data.train, held, real, hi=4, analyzer="char_wb"))
        ],
    }
    print("| features | C | class weights | held-out macro-F1 | real-buyer macro-F1 |\n|---|---|---|---|---|")
    for name, (X, H, R) in variants.items():
        for C in (3, 10, 30, 100):
            for weights in (None, "balanced"):
                clf = LogisticRegression(C=C, class_weight=weights, max_iter=2000).fit(X, data.labels)
                held_f1, real_f1 = scores(clf, H, R, data, threshold=0.0)  # no fallback: the features alone are compared
                print(f"| {name} | {C} | {weights or 'none'} | {held_f1:.3f} | {real_f1:.3f} |", flush=True)


if __name__ == "__main__":
    main()
