import numpy as np
import pytest

from helpers.metrics import top_k_accuracy, top_k_hits


def test_top_k_accuracy_on_known_probabilities():
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    labels = np.array([1, 1, 0])
    assert top_k_hits(probs, labels, 1).tolist() == [True, False, False]
    assert top_k_accuracy(probs, labels, 2) == pytest.approx(2 / 3)
    assert top_k_accuracy(probs, labels, 3) == 1.0
    with pytest.raises(ValueError, match="N x C"):
        top_k_accuracy(probs, labels[:2], 1)
