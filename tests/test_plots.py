"""Plots draw what they are given: a paired difference's interval, grey when it is not distinguishable."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.paired import compare_paired  # noqa: E402
from helpers.plots import plot_paired_differences  # noqa: E402


def _results(both: int, a_only: int, b_only: int):
    a = np.array([True] * both + [True] * a_only + [False] * b_only + [False] * 20)
    b = np.array([True] * both + [False] * a_only + [True] * b_only + [False] * 20)
    return a, b


def test_paired_differences_show_each_interval_in_points_grey_when_not_distinguishable():
    clear = compare_paired(*_results(both=100, a_only=2, b_only=40))
    unclear = compare_paired(*_results(both=100, a_only=6, b_only=7))
    fig = plot_paired_differences({"clear": clear, "unclear": unclear}, title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["clear", "unclear"]
    bars = [c for c in ax.collections if len(c.get_segments()) == 1]
    assert len(bars) == 2
    for bar, comparison in zip(bars, (clear, unclear), strict=True):
        (start, _), (end, _) = bar.get_segments()[0]
        assert (start, end) == pytest.approx((100 * comparison.ci_low, 100 * comparison.ci_high))
    colours = [mcolors.to_hex(bar.get_color()[0]) for bar in bars]
    assert colours == [mcolors.to_hex("black"), mcolors.to_hex("grey")]
    left, right = ax.get_xlim()
    assert left <= 0 <= right, "0 stays in view"
