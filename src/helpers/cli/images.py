"""The labelled images a command works on: a DATA_DIR argument when given, else ``TUTORIAL_DATA``, else the
ImageNet sample (downloaded on first use), as the lessons take them."""
from __future__ import annotations

import argparse
from pathlib import Path

from helpers import config
from helpers.datasets import LabeledImage, evenly_spaced, read_dataset
from helpers.sample import labelled_images


def add_images_arguments(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The optional DATA_DIR and ``--annotation``, with ``purpose`` (e.g. "to calibrate on") in the help."""
    parser.add_argument("data_dir", type=Path, nargs="?", metavar="DATA_DIR",
                        help=f"labelled ImageNet images {purpose} (default: {config.ENV_DATA}, else the ImageNet "
                             "sample, downloaded on first use)")
    parser.add_argument("--annotation", type=Path, help="val.txt or the devkit, when not found beside the images")


def labelled_items(args: argparse.Namespace, count: int | None = None) -> tuple[list[LabeledImage], Path]:
    """``count`` of the images ``add_images_arguments`` asked for, evenly spread (None: all), and their folder; says
    which when DATA_DIR was not given. The ImageNet sample downloads only the ``count`` files it needs."""
    if args.data_dir:
        items = read_dataset(args.data_dir, args.annotation)
        return (items if count is None else evenly_spaced(items, count)), args.data_dir
    sample = labelled_images(count)
    print(sample.describe())
    return sample.items, sample.folder
