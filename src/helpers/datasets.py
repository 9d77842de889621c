"""Labelled image folders: (image path, class index in this model's output order).

Understood so far: a flat folder of ``<synset>_<name>.JPEG`` files, like the 1000 sample images
that ``TUTORIAL_DATA`` points to (one per class, e.g. ``n02123045_tabby.JPEG``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpers.model_card import imagenet_classes

IMAGE_SUFFIXES = {".jpeg", ".jpg", ".png", ".bmp", ".webp"}
_SYNSET_PREFIX = re.compile(r"^(n\d{8})_")


class DatasetError(ValueError):
    """A folder does not hold labelled images in a layout these readers understand."""


@dataclass(frozen=True)
class LabeledImage:
    path: Path
    label: int  # class index in the model's output order


@lru_cache(maxsize=1)
def synset_to_index() -> dict[str, int]:
    """WordNet synset id (``n01440764``) to the model's class index (0..999)."""
    return {c.synset: c.index for c in imagenet_classes()}


def read_synset_named_folder(folder: Path) -> list[LabeledImage]:
    """Images named ``<synset>_<anything>.<ext>`` directly in ``folder``, sorted by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder. Point TUTORIAL_DATA at a folder of images.")
    index = synset_to_index()
    items, unlabelled = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        match = _SYNSET_PREFIX.match(path.name)
        if match and match.group(1) in index:
            items.append(LabeledImage(path, index[match.group(1)]))
        else:
            unlabelled.append(path.name)
    if not items:
        raise DatasetError(
            f"No labelled images in {folder}: expected files named <synset>_<name>.JPEG, such as "
            f"n02123045_tabby.JPEG" + (f" (found, for example, {unlabelled[0]})" if unlabelled else "") + "."
        )
    if unlabelled:
        raise DatasetError(
            f"{len(unlabelled)} image(s) in {folder} have no ImageNet synset in their name, for example "
            f"{unlabelled[0]}; rename them <synset>_<name>.JPEG or move them out."
        )
    return items


def evenly_spaced(items: list, count: int) -> list:
    """``count`` items spread evenly over ``items`` (all of them if there are fewer): a fixed,
    reproducible subset that covers the whole range of classes."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]
