"""bot.nlu.classifier.sentence_features: what Rasa's get_sparse_features / get_dense_features
give, without the deep copy of a single feature."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.classifier import sentence_features


@pytest.fixture
def message() -> Message:
    tfidf = scipy.sparse.coo_matrix(np.array([[0.0, 0.6, 0.0, 0.8]], dtype=np.float32))
    counts = scipy.sparse.coo_matrix(np.array([[1.0, 0.0, 2.0]], dtype=np.float32))
    return Message(
        data={TEXT: "这件包邮吗"},
        features=[
            Features(tfidf, FEATURE_TYPE_SENTENCE, TEXT, "char_tfidf"),
            Features(counts, FEATURE_TYPE_SENTENCE, TEXT, "counts"),
            Features(scipy.sparse.coo_matrix(np.ones((2, 4))), FEATURE_TYPE_SEQUENCE, TEXT, "char_tfidf"),
            Features(np.array([[0.1, 0.2, 0.3]]), FEATURE_TYPE_SENTENCE, TEXT, "e5"),
            Features(np.array([[0.5, 0.5]]), FEATURE_TYPE_SENTENCE, "response", "e5"),
        ],
    )


def rasas(message: Message, featurizers, sparse: bool):
    combined = (message.get_sparse_features if sparse else message.get_dense_features)(TEXT, featurizers)[1]
    return None if combined is None else combined.features


@pytest.mark.parametrize("featurizers", [["char_tfidf"], ["counts"], ["char_tfidf", "counts"], [], None, ["e5"], ["none"]])
def test_the_same_features_as_rasa(message: Message, featurizers) -> None:
    for sparse in (True, False):
        ours, theirs = sentence_features(message, featurizers, sparse), rasas(message, featurizers, sparse)
        if theirs is None:
            assert ours is None
        elif sparse:
            assert ours.shape == theirs.shape and (ours != theirs).nnz == 0
        else:
            assert np.array_equal(ours, theirs)


def test_a_single_feature_is_read_not_copied(message: Message) -> None:
    assert sentence_features(message, ["char_tfidf"], sparse=True) is message.features[0].features
    assert sentence_features(message, ["e5"], sparse=False) is message.features[3].features
    combined = sentence_features(message, ["char_tfidf", "counts"], sparse=True)
    assert combined.shape == (1, 7)  # several: concatenated by Rasa, as before
