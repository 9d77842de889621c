"""Plots draw what they are given: a paired difference's interval, grey when it is not distinguishable."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.paired import compare_paired  # noqa: E402
from helpers.plots import STAGE_COLORS, plot_paired_differences, plot_stage_times  # noqa: E402


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


def test_stage_times_are_stacked_in_order_with_the_wall_time_marked():
    stages = {"synchronous": {"decode": 2.0, "preprocess": 0.5, "infer": 3.0, "postprocess": 0.2, "draw": 0.0},
              "AsyncInferQueue of 1": {"decode": 2.2, "preprocess": 0.5, "infer": 3.4, "postprocess": 0.2, "draw": 0.0}}
    figure = plot_stage_times(stages, {"synchronous": 5.8, "AsyncInferQueue of 1": 3.6}, "title")
    ax = figure.axes[0]
    bars = list(ax.patches)
    assert len(bars) == 8  # draw took no time: not shown
    first_row = sorted((bar.get_x(), bar.get_width()) for bar in bars if abs(bar.get_y() + 0.275) < 1e-6)
    assert [round(w, 2) for _, w in first_row] == [2.0, 0.5, 3.0, 0.2]
    assert [round(x, 2) for x, _ in first_row] == [0.0, 2.0, 2.5, 5.5]
    assert mcolors.to_hex(bars[0].get_facecolor()) == STAGE_COLORS["decode"]
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    assert lines == [5.8, 3.6]
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == sorted(
        ["decode", "preprocess", "infer", "postprocess", "wall time per frame"])
