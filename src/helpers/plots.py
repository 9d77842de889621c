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
    for ax, image, title in zip(np.atleast_1d(axes), images_rgb, titles):
        ax.imshow(image)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_color_order_cost(rows, title: str):
    """Top-1 and top-5 (%) per model and colour order; wrong orders hatched. ``rows`` are
    ``helpers.color_order_cost.OrderResult``."""
    from helpers.color_order_cost import KERAS, OPENVINO

    colors = {KERAS: BACKEND_COLORS["Keras (TensorFlow)"], OPENVINO: BACKEND_COLORS["OpenVINO FP32"]}
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
    labels = [f"{r.model}\nfed {r.fed}" for r in rows]
    for ax, metric in zip(axes, ("top1", "top5")):
        bars = ax.bar(labels, [getattr(r, metric) for r in rows], color=[colors[r.model] for r in rows],
                      hatch=None, edgecolor="black")
        for bar, row in zip(bars, rows):
            if not row.right_order:
                bar.set_hatch("//")
                bar.set_alpha(0.6)
        ax.bar_label(bars, fmt="%.1f %%")
        ax.set_title(f"{'top-1' if metric == 'top1' else 'top-5'} accuracy")
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(0, 105)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_gallery(images_rgb: list[np.ndarray], predictions: list[list[Prediction]], titles: list[str], suptitle: str):
    """Each picture with its top-k bars beside it, one row per picture."""
    fig, axes = plt.subplots(len(images_rgb), 2, figsize=(9, 2.3 * len(images_rgb)),
                             gridspec_kw={"width_ratios": [1, 1.8]}, squeeze=False)
    for (ax_image, ax_bars), image, top, title in zip(axes, images_rgb, predictions, titles):
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
    """Throughput and latency per request against batch size (``helpers.benchmark.Result`` list)."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    batches = [r.batch for r in results]
    ax.plot(batches, [r.throughput for r in results], "o-", color=BACKEND_COLORS["OpenVINO FP32 bf16"], label="throughput")
    ax.set_xscale("log", base=2)
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel("batch size (images per request)")
    ax.set_ylabel("throughput (images/s)")
    ax.set_ylim(bottom=0)
    twin = ax.twinx()
    twin.plot(batches, [r.latency_median for r in results], "s--", color="grey", label="latency per request")
    twin.set_ylabel("median latency per request (ms)")
    twin.set_ylim(bottom=0)
    fig.legend(loc="lower right", bbox_to_anchor=(0.88, 0.2))
    ax.set_title(title)
    fig.tight_layout()
    return fig
