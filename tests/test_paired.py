"""Paired comparisons: the difference, its interval, McNemar's counts and the verdict."""
import numpy as np
import pytest

from helpers.paired import compare_paired


def _pair(n_both: int, n_neither: int, a_only: int, b_only: int):
    a = [True] * n_both + [False] * n_neither + [True] * a_only + [False] * b_only
    b = [True] * n_both + [False] * n_neither + [False] * a_only + [True] * b_only
    return np.array(a), np.array(b)


def test_counts_the_discordant_images_and_the_difference():
    a, b = _pair(n_both=700, n_neither=200, a_only=10, b_only=90)
    result = compare_paired(a, b)
    assert (result.n, result.a_only, result.b_only) == (1000, 10, 90)
    assert result.accuracy_a == pytest.approx(0.71)
    assert result.accuracy_b == pytest.approx(0.79)
    assert result.difference == pytest.approx(0.08)


def test_a_clear_difference_is_distinguishable_and_its_interval_holds_it():
    result = compare_paired(*_pair(n_both=700, n_neither=200, a_only=10, b_only=90))
    assert result.ci_low < result.difference < result.ci_high
    assert result.ci_low > 0
    assert result.p_value < 1e-6
    assert result.distinguishable
    assert "B is better" in result.describe()


def test_a_balanced_split_is_not_distinguishable():
    result = compare_paired(*_pair(n_both=700, n_neither=200, a_only=12, b_only=10))
    assert result.ci_low < 0 < result.ci_high
    assert result.p_value > 0.5
    assert not result.distinguishable
    assert "not distinguishable on 922 images" in result.describe()


def test_direction_follows_the_order_of_the_arguments():
    a, b = _pair(n_both=50, n_neither=10, a_only=30, b_only=2)
    forward, backward = compare_paired(a, b), compare_paired(b, a)
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.ci_high < 0 < backward.ci_low
    assert "B is worse" in forward.describe()


def test_identical_results_have_a_zero_width_interval():
    a = np.array([True, False, True, True])
    result = compare_paired(a, a)
    assert (result.difference, result.ci_low, result.ci_high, result.p_value) == (0.0, 0.0, 0.0, 1.0)
    assert not result.distinguishable


def test_is_deterministic():
    a, b = _pair(n_both=300, n_neither=100, a_only=20, b_only=35)
    assert compare_paired(a, b) == compare_paired(a, b)


def test_results_on_different_images_are_refused():
    with pytest.raises(ValueError, match="same images: got 3 and 2"):
        compare_paired([True, False, True], [True, False])
