"""Plots the lessons share, with one colour per backend across every notebook."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.classify import Prediction

# The same backend keeps the same colour in every lesson.
BACKEND_COLORS = {
    "Keras (TensorFlow)": "#ff7f0e",
    "OpenVINO FP32": "#1f77b4",
    "OpenVINO FP32 bf16": "#17becf",
    "OpenVINO FP16": "#2ca02c",
}


def plot_top_k(image_rgb: np.ndarray, predictions: dict[str, list[Prediction]], title: str,
               colors: dict[str, str] | None = None):
    """The picture beside grouped horizontal bars: each backend's top-k probabilities.

    ``predictions`` maps a backend name (a key of BACKEND_COLORS, or of ``colors``) to its
    top-k, best first; the classes shown are those of the first backend.
    """
    colors = {**BACKEND_COLORS, **(colors or {})}
    fig, (ax_image, ax_bars) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1, 1.6]})
    ax_image.imshow(image_rgb)
    ax_image.axis("off")
    reference = next(iter(predictions.values()))
    indices = [p.index for p in reference]
    y = np.arange(len(indices))
    height = 0.8 / len(predictions)
    for offset, (backend, top) in enumerate(predictions.items()):
        by_index = {p.index: p.probability for p in top}
        values = [by_index.get(i, 0.0) * 100 for i in indices]
        ax_bars.barh(y + offset * height, values, height, label=backend, color=colors.get(backend))
    ax_bars.set_yticks(y + height * (len(predictions) - 1) / 2, [p.name for p in reference])
    ax_bars.invert_yaxis()
    ax_bars.set_xlabel("probability (%)")
    ax_bars.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sizes(sizes_mb: dict[str, float], title: str):
    """Bar chart of sizes on disk in MB, one bar per backend."""
    fig, ax = plt.subplots(figsize=(6, 3))
    names = list(sizes_mb)
    bars = ax.bar(names, [sizes_mb[n] for n in names], color=[BACKEND_COLORS.get(n, "grey") for n in names])
    ax.bar_label(bars, fmt="%.1f MB")
    ax.set_ylabel("size on disk (MB)")
    ax.set_title(title)
    ax.margins(y=0.2)
    fig.tight_layout()
    return fig


def plot_images(images_rgb: list[np.ndarray], titles: list[str], suptitle: str):
    """Pictures side by side, each with its title."""
    fig, axes = plt.subplots(1, len(images_rgb), figsize=(3.2 * len(images_rgb), 3.4))
    for ax, image, title in zip(np.atleast_1d(axes), images_rgb, titles, strict=False):
        ax.imshow(image)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_gallery(images_rgb: list[np.ndarray], predictions: list[list[Prediction]], titles: list[str], suptitle: str):
    """Each picture with its top-k bars beside it, one row per picture."""
    fig, axes = plt.subplots(len(images_rgb), 2, figsize=(9, 2.3 * len(images_rgb)),
                             gridspec_kw={"width_ratios": [1, 1.8]}, squeeze=False)
    for (ax_image, ax_bars), image, top, title in zip(axes, images_rgb, predictions, titles, strict=False):
        ax_image.imshow(image)
        ax_image.set_title(title, fontsize=9)
        ax_image.axis("off")
        ax_bars.barh([p.name for p in top], [100 * p.probability for p in top], color=BACKEND_COLORS["OpenVINO FP32"])
        ax_bars.invert_yaxis()
        ax_bars.set_xlim(0, 100)
        ax_bars.set_xlabel("probability (%)")
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_timings(timings: dict, title: str):
    """Median time per image (ms) per way of running, with the range over repeats as error bars.

    ``timings`` maps a label to a ``helpers.inference.Timing``.
    """
    fig, ax = plt.subplots(figsize=(7, 3))
    labels = list(timings)
    medians = [timings[k].median_ms for k in labels]
    errors = [[timings[k].median_ms - timings[k].min_ms for k in labels],
              [timings[k].max_ms - timings[k].median_ms for k in labels]]
    bars = ax.bar(labels, medians, yerr=errors, capsize=4, color=BACKEND_COLORS["OpenVINO FP32"])
    ax.bar_label(bars, fmt="%.2f ms", padding=3)
    ax.set_ylabel("time per image (ms)")
    ax.set_title(title)
    ax.margins(y=0.25)
    fig.tight_layout()
    return fig


# The stages of a stream (helpers.stream.STAGES), the same colour in every plot.
STAGE_COLORS = {"decode": "#8c564b", "preprocess": "#bcbd22", "infer": BACKEND_COLORS["OpenVINO FP32"],
                "postprocess": "#9467bd", "draw": "#7f7f7f"}


def plot_stage_times(stage_ms: dict[str, dict[str, float]], wall_ms: dict[str, float], title: str):
    """One stacked bar per pipeline: the median time of each stage of a frame (ms), and a black
    line at the wall time per frame (1000 / FPS). A line below its stack means stages overlapped.

    ``stage_ms`` maps a pipeline's label to {stage: ms} (``StreamReport.median_ms()``); ``wall_ms``
    maps the same labels to the measured wall time per frame.
    """
    labels = list(stage_ms)
    fig, ax = plt.subplots(figsize=(8, 0.9 * len(labels) + 1.9))
    left = np.zeros(len(labels))
    stages = [stage for stage in STAGE_COLORS if any(stage_ms[label].get(stage, 0) > 0 for label in labels)]
    for stage in stages:
        widths = np.array([stage_ms[label].get(stage, 0.0) for label in labels])
        ax.barh(labels, widths, left=left, color=STAGE_COLORS[stage], label=stage, height=0.55)
        left += widths
    for row, label in enumerate(labels):
        ax.plot([wall_ms[label]] * 2, [row - 0.38, row + 0.38], color="black", linewidth=2.5,
                label="wall time per frame" if row == 0 else None)
        ax.annotate(f"{wall_ms[label]:.2f} ms per frame ({1000 / wall_ms[label]:.0f} FPS)",
                    (max(wall_ms[label], left[row]), row), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("time per frame (ms): median of each stage, stacked")
    ax.set_xlim(0, 1.6 * max(max(left), *wall_ms.values()))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=8, ncol=len(stages) + 1, frameon=False)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_latency_and_throughput(results: dict, title: str):
    """Two bar charts per backend: median latency (error bars: min to p90) and throughput.

    ``results`` maps a backend name (a key of BACKEND_COLORS) to a pair of
    ``helpers.benchmark.Result``: (latency run, throughput run).
    """
    names = list(results)
    colors = [BACKEND_COLORS.get(n, "grey") for n in names]
    fig, (ax_lat, ax_tput) = plt.subplots(1, 2, figsize=(11, 3.6))
    latency = [results[n][0] for n in names]
    bars = ax_lat.bar(names, [r.latency_median for r in latency], color=colors,
                      yerr=[[r.latency_median - r.latency_min for r in latency],
                            [r.latency_p90 - r.latency_median for r in latency]], capsize=4)
    ax_lat.bar_label(bars, fmt="%.2f ms", padding=3)
    ax_lat.set_ylabel("latency, batch 1 (ms)")
    ax_lat.set_title("median latency (bars: min to p90); lower is better", fontsize=10)
    bars = ax_tput.bar(names, [results[n][1].throughput for n in names], color=colors)
    ax_tput.bar_label(bars, fmt="%.0f", padding=3)
    ax_tput.set_ylabel("throughput (images/s)")
    ax_tput.set_title("throughput; higher is better", fontsize=10)
    for ax in (ax_lat, ax_tput):
        ax.tick_params(axis="x", labelsize=8, rotation=15)
        ax.margins(y=0.2)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_batch_sizes(results: list, title: str):
    """Throughput, and latency per request and per image, against batch size
    (``helpers.benchmark.Result`` list, one per batch size)."""
    fig, (ax, ax_lat) = plt.subplots(1, 2, figsize=(11, 3.6))
    batches = [r.batch for r in results]
    ax.plot(batches, [r.throughput for r in results], "o-", color=BACKEND_COLORS["OpenVINO FP32"])
    ax.set_ylabel("throughput (images/s)")
    ax.set_ylim(bottom=0)
    ax.set_title("throughput; higher is better", fontsize=10)
    ax_lat.plot(batches, [r.latency_median for r in results], "s--", color="grey", label="per request (whole batch)")
    ax_lat.plot(batches, [r.latency_per_image for r in results], "o-", color=BACKEND_COLORS["OpenVINO FP32"],
                label="per image (request / batch)")
    ax_lat.set_yscale("log")
    ax_lat.set_ylabel("median latency (ms, log scale)")
    ax_lat.set_title("latency; lower is better", fontsize=10)
    ax_lat.legend(fontsize=8)
    for axis in (ax, ax_lat):
        axis.set_xscale("log", base=2)
        axis.set_xticks(batches, [str(b) for b in batches])
        axis.set_xlabel("batch size (images per request)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_knob_sweep(results: list, knob: str, title: str):
    """Median latency and throughput for each value of a knob (``knob``: a ``Result`` attribute
    such as "threads" or "streams"), one point per ``helpers.benchmark.Result``."""
    fig, (ax_lat, ax_tput) = plt.subplots(1, 2, figsize=(10, 3.2))
    values = [getattr(r, knob) for r in results]
    ax_lat.plot(values, [r.latency_median for r in results], "o-", color=BACKEND_COLORS["OpenVINO FP32"])
    ax_lat.set_ylabel("median latency (ms)")
    ax_lat.set_title("latency; lower is better", fontsize=10)
    ax_tput.plot(values, [r.throughput for r in results], "o-", color=BACKEND_COLORS["OpenVINO FP32"])
    ax_tput.set_ylabel("throughput (images/s)")
    ax_tput.set_title("throughput; higher is better", fontsize=10)
    for axis in (ax_lat, ax_tput):
        axis.set_xticks(sorted(set(values)))
        axis.set_xlabel(knob)
        axis.set_ylim(bottom=0)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_classification_grid(state, columns: int = 8, title: str | None = None):
    """One frame of the classification benchmark demo: the latest results as a grid of tiles,
    a green border for a right top-1 class, red for a wrong one, and the running top-1 and
    images/s in the title. ``state`` is a ``helpers.benchmark.demo.DemoState`` (its ``tile``: pixels per side)."""
    border, rows, tile_side = 4, max(1, -(-len(state.tiles) // columns)), state.tile
    side = tile_side + 2 * border
    canvas = np.full((rows * side, columns * side, 3), 255, np.uint8)
    for position, (tile, right) in enumerate(state.tiles):
        top, left = (position // columns) * side, (position % columns) * side
        canvas[top:top + side, left:left + side] = (40, 160, 60) if right else (210, 40, 40)
        canvas[top + border:top + border + tile_side, left + border:left + border + tile_side] = tile
    fig, ax = plt.subplots(figsize=(1.1 * columns, 1.1 * rows + 0.6))
    ax.imshow(canvas)
    ax.axis("off")
    ax.set_title(title or (f"{state.done} of {state.total} images · running top-1 {state.top1:.1f} % · "
                           f"{state.images_per_second:.0f} images/s (decoding included) · green right, red wrong"),
                 fontsize=9)
    fig.tight_layout()
    return fig


def plot_paired_differences(comparisons: dict, title: str, xlabel: str = "difference in top-1 accuracy (points)"):
    """Each paired comparison's difference B - A (in points) with its interval, one row per comparison.

    ``comparisons`` maps a row label (for example "RGB - BGR") to a ``helpers.paired.PairedComparison``. A dashed
    line marks 0: an interval that crosses it (drawn grey) is a difference not distinguishable on those images.
    """
    labels = list(comparisons)
    fig, ax = plt.subplots(figsize=(7, 1.3 + 0.6 * len(labels)))
    for row, label in enumerate(labels):
        comparison = comparisons[label]
        centre, low, high = (100 * v for v in (comparison.difference, comparison.ci_low, comparison.ci_high))
        color = "black" if comparison.distinguishable else "grey"
        ax.errorbar(centre, row, xerr=[[centre - low], [high - centre]], fmt="o", color=color, capsize=5)
        ax.annotate(f"{centre:+.1f} ({low:+.1f} to {high:+.1f})", (centre, row), xytext=(0, 9),
                    textcoords="offset points", ha="center", fontsize=9, color=color)
    ax.axvline(0, color="grey", linestyle="--", linewidth=1)
    left, right = ax.get_xlim()
    ax.set_xlim(min(left, -1.0), max(right, 1.0))  # 0 always in view, so a reader can see which side it is on
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.set_xlabel(f"{xlabel}, with {next(iter(comparisons.values())).confidence:.0%} interval")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --- Lesson 06: INT8 -----------------------------------------------------------------------------------------

INT8_COLOR = "#d62728"  # OpenVINO INT8 in Lesson 06's plots


def plot_weight_quantization(before: np.ndarray, after: np.ndarray, title: str):
    """One weight tensor before (float32) and after INT8 quantization (dequantized back to float32).

    Left: histograms of both (the INT8 values fall on at most 255 levels per output channel). Right: the
    rounding error (after - before) against the float value, for the channel with the widest range.
    """
    before, after = np.asarray(before, np.float32), np.asarray(after, np.float32)
    fig, (ax_hist, ax_error) = plt.subplots(1, 2, figsize=(11, 3.6))
    bins = np.linspace(before.min(), before.max(), 200)
    ax_hist.hist(before.ravel(), bins=bins, color=BACKEND_COLORS["OpenVINO FP32"], alpha=0.6, label="FP32")
    ax_hist.hist(after.ravel(), bins=bins, color=INT8_COLOR, histtype="step", label="INT8")
    ax_hist.set_xlabel("weight value")
    ax_hist.set_ylabel("count")
    ax_hist.set_yscale("log")
    ax_hist.legend()
    ax_hist.set_title("all values")
    channel = int(np.ptp(before.reshape(before.shape[0], -1), axis=1).argmax())
    b, a = before[channel].ravel(), after[channel].ravel()
    ax_error.scatter(b, a - b, s=6, color=INT8_COLOR)
    ax_error.axhline(0, color="grey", linewidth=1)
    ax_error.set_xlabel(f"FP32 weight value (output channel {channel})")
    ax_error.set_ylabel("INT8 - FP32")
    ax_error.set_title("rounding error of one channel")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_changed_images(images_rgb: list[np.ndarray], titles: list[str], suptitle: str, columns: int = 4):
    """A small grid of pictures, each titled with what changed (for example "FP32: tabby / INT8: tiger cat")."""
    rows = max(1, -(-len(images_rgb) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 3.4 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel()[:len(images_rgb)], images_rgb, titles, strict=True):
        ax.imshow(image)
        ax.set_title(title, fontsize=8)
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
