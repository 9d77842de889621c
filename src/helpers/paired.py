"""Compare two models (or protocols, or precisions) on the same images, with the uncertainty of the difference.

Two accuracies measured on the same images are not independent: most images are right (or wrong) for both, and
only the images on which the two disagree say anything about which is better. So the comparison is paired:

- the difference of the accuracies gets a 95 % interval from a paired bootstrap (``scipy.stats.bootstrap`` with
  ``paired=True``: images are resampled, each keeping its two results together);
- McNemar's exact test asks whether the images only A gets right and those only B gets right could be a fair
  coin's split (``scipy.stats.binomtest`` on the discordant pairs).

With few disagreements the interval straddles 0 and the two are "not distinguishable on N images".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 2000
SEED = 0


@dataclass(frozen=True, kw_only=True)
class PairedComparison:
    """A against B on the same ``n`` images. Accuracies and differences are shares (0..1); difference is B - A."""

    n: int
    accuracy_a: float
    accuracy_b: float
    difference: float
    ci_low: float
    ci_high: float
    a_only: int  # images A gets right and B gets wrong
    b_only: int  # images B gets right and A gets wrong
    p_value: float  # McNemar's exact test, two-sided
    confidence: float = CONFIDENCE

    @property
    def distinguishable(self) -> bool:
        """True when the interval of the difference excludes 0 (and McNemar's test agrees at the same level)."""
        return (self.ci_low > 0 or self.ci_high < 0) and self.p_value < 1 - self.confidence

    def describe(self, name_a: str = "A", name_b: str = "B") -> str:
        """One line: the difference in points with its interval, the discordant images, and the verdict."""
        verdict = (f"{name_b} is {'better' if self.difference > 0 else 'worse'}" if self.distinguishable
                   else f"not distinguishable on {self.n} images")
        return (f"{name_b} - {name_a}: {100 * self.difference:+.1f} points of accuracy "
                f"({self.confidence:.0%} interval {100 * self.ci_low:+.1f} to {100 * self.ci_high:+.1f}); "
                f"{self.a_only} image(s) right only with {name_a}, {self.b_only} only with {name_b} "
                f"(McNemar p = {self.p_value:.2g}): {verdict}")

    def row(self, name_a: str = "A", name_b: str = "B") -> dict:
        """The comparison as a table row, in percent and points."""
        return {
            "A": name_a, "B": name_b, "images": self.n,
            "A (%)": round(100 * self.accuracy_a, 1), "B (%)": round(100 * self.accuracy_b, 1),
            "B - A (points)": round(100 * self.difference, 1),
            f"{self.confidence:.0%} interval (points)": f"{100 * self.ci_low:+.1f} to {100 * self.ci_high:+.1f}",
            "only A right": self.a_only, "only B right": self.b_only,
            "McNemar p": float(f"{self.p_value:.2g}"),
            "verdict": "distinguishable" if self.distinguishable else "not distinguishable",
        }


def compare_paired(correct_a, correct_b, confidence: float = CONFIDENCE) -> PairedComparison:
    """Compare two per-image results on the same images.

    ``correct_a`` and ``correct_b``: boolean arrays of length N (True where that model's answer is right), in the
    same image order. Deterministic: the bootstrap uses a fixed seed.
    """
    a = np.asarray(correct_a, dtype=bool).ravel()
    b = np.asarray(correct_b, dtype=bool).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a paired comparison needs results on the same images: got {a.size} and {b.size} results")
    if a.size < 2:
        raise ValueError(f"a paired comparison needs at least 2 images, got {a.size}")
    from scipy.stats import binomtest, bootstrap  # imported here: scipy.stats takes a second to import

    a_only = int(np.sum(a & ~b))
    b_only = int(np.sum(b & ~a))
    difference = float(b.mean() - a.mean())
    if a_only + b_only == 0:
        # Every image agrees: no resample can differ, and there is nothing for McNemar to test.
        low = high = 0.0
        p_value = 1.0
    else:
        interval = bootstrap(
            (a.astype(float), b.astype(float)), lambda x, y, axis=-1: np.mean(y, axis=axis) - np.mean(x, axis=axis),
            paired=True, vectorized=True, confidence_level=confidence, n_resamples=BOOTSTRAP_RESAMPLES,
            method="percentile", rng=np.random.default_rng(SEED),
        ).confidence_interval
        low, high = float(interval.low), float(interval.high)
        p_value = float(binomtest(b_only, a_only + b_only, 0.5).pvalue)
    return PairedComparison(n=int(a.size), accuracy_a=float(a.mean()), accuracy_b=float(b.mean()),
                            difference=difference, ci_low=low, ci_high=high, a_only=a_only, b_only=b_only,
                            p_value=p_value, confidence=confidence)
