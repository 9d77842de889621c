"""The labelled images a command works on: a DATA_DIR argument when given, else ``TUTORIAL_DATA``, else the
ImageNet sample (downloaded on first use), as the lessons take them."""
from __future__ import annotations

import argparse
from pathlib import Path

from helpers import config
from helpers.datasets import LabeledImage, read_dataset
from helpers.sample import labelled_images


def add_images_arguments(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The optional DATA_DIR and ``--annotation``, with ``purpose`` (e.g. "to calibrate on") in the help."""
    parser.add_argument("data_dir", type=Path, nargs="?", metavar="DATA_DIR",
                        help=f"labelled ImageNet images {purpose} (default: {config.ENV_DATA}, else the ImageNet "
                             "sample, downloaded on first use)")
    parser.add_argument("--annotation", type=Path, help="val.txt or the devkit, when not found beside the images")


def labelled_items(args: argparse.Namespace) -> tuple[list[LabeledImage], Path]:
    """The images ``add_images_arguments`` asked for, and their folder; says which when DATA_DIR was not given."""
    if args.data_dir:
        return read_dataset(args.data_dir, args.annotation), args.data_dir
    sample = labelled_images()
    print(sample.describe())
    return sample.items, sample.folder
