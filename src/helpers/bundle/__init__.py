"""An offline classroom bundle: everything a room without internet needs, in one folder and one archive.

    python -m helpers.bundle [--out build/bundle] [--platform TAG] [--python-version X.Y]
                             [--images N] [--solutions] [--no-archive]

The folder (``build/bundle/``) and an uncompressed tar beside it (``build/bundle.tar``) hold:

- ``wheels/``: the pinned set of ``requirements.txt`` as wheels for one platform and Python
  (``pip download``; pip's cache makes a second build fast), and this project built as a wheel;
- ``weights/``: the weights file in use (``MOBILENET_WEIGHTS`` or the cached official download),
  with a note saying by its sha384 whether it is the official file;
- ``labels/``: the 1000 class names in the model's output order;
- ``images/``: labelled images (all, or ``--images N`` evenly spread) from ``TUTORIAL_DATA``, else the
  ImageNet sample downloaded and checked as the lessons do (``helpers.sample``), as ``<synset>_<name>.JPEG``
  files, a layout ``helpers.datasets`` reads;
- ``notebooks/``: the lessons and the glossary as they are now, and a pristine copy for ``reset.sh``;
- ``INSTRUCTIONS.md``, ``install.sh`` (a virtual environment from ``wheels/`` only, the Jupyter
  kernel, and an ``env.sh`` pointing the settings at the bundle's files), ``lab.sh``, ``reset.sh``,
  ``SHA256SUMS`` (checked by ``install.sh``, to catch a damaged copy) and ``bundle.json``.

Platforms: Linux (``--platform manylinux_2_28_x86_64`` for machines older than the building one) and macOS,
where the install scripts' bash runs; not Windows (Windows learners install with ``python tutorial.py lab``
and a package index). ``--python-version`` takes any Python that pyproject.toml's requires-python allows.

The tar is not compressed: the wheels, most of the bundle, are zip files already, so gzip would
spend a minute of CPU to save about one percent, and an uncompressed tar unpacks at disk speed.

The package: ``build`` (choosing the files, pip, writing the folder and the tar), ``texts`` (the scripts and
INSTRUCTIONS.md, filled from the files in ``templates/``) and ``sizes`` (what each part weighs); the command
line is ``helpers.cli.bundle``. The names below are the ones to import.
"""
from helpers.bundle.build import (
    MARKER,
    PROJECT_DIST,
    BundleReport,
    build_bundle,
    build_project_wheel,
    check_target,
    download_wheels,
    find_weights,
    needed_glibc,
    platform_tags,
    select_images,
    shipped_image_name,
    write_archive,
)
from helpers.bundle.sizes import MB, PartSize, dominant_part, format_size_table, largest_files, part_sizes
from helpers.bundle.texts import KERNEL_DISPLAY, KERNEL_NAME, instructions_text, write_scripts
from helpers.errors import BundleError

__all__ = [
    "KERNEL_DISPLAY", "KERNEL_NAME", "MARKER", "MB", "PROJECT_DIST", "BundleError", "BundleReport", "PartSize",
    "build_bundle", "build_project_wheel", "check_target", "dominant_part", "download_wheels", "find_weights",
    "format_size_table", "instructions_text", "largest_files", "needed_glibc", "part_sizes",
    "platform_tags", "select_images", "shipped_image_name", "write_archive", "write_scripts",
]
