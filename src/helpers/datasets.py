"""Labelled image folders: (image path, class index in this model's output order).

The class index is the position of the synset in the sorted list of the 1000 ImageNet-1k synsets
(``synset_to_index()``). Layouts understood, each with its reader (``read_dataset`` picks one):

* ``val_txt``: ILSVRC2012 validation as Open Model Zoo's accuracy_checker reads it, a flat folder
  of ``ILSVRC2012_val_00000001.JPEG`` ... and a ``val.txt`` of ``<file> <class index>`` lines
  (``read_val_txt_folder``);
* ``devkit``: the same flat folder with the devkit's ``ILSVRC2012_validation_ground_truth.txt``
  and ``meta.mat``, whose class IDs are in the devkit's own order (``read_devkit_val_folder``);
* ``synset_folders``: a folder per synset, ``n01440764/n01440764_10026.JPEG``, the train layout
  (``read_synset_folders``);
* ``synset_named``: a flat folder of ``<synset>_<name>.JPEG`` files, like the 1000 sample images
  that ``TUTORIAL_DATA`` points to (``read_synset_named_folder``).

Images are not decoded here: the evaluator counts unreadable ones. Every image in the folder must
get a label and every annotated image must exist; anything else is a ``DatasetError`` saying what
to fix, so that no image is silently left out of an accuracy figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers.errors import DatasetError
from helpers.model_card import NUM_CLASSES, imagenet_classes

IMAGE_SUFFIXES = {".jpeg", ".jpg", ".png", ".bmp", ".webp"}
_SYNSET_PREFIX = re.compile(r"^(n\d{8})_")
_SYNSET_NAME = re.compile(r"^n\d{8}$")
_VAL_IMAGE_STEM = re.compile(r"^ILSVRC2012_val_(\d{8})$")

VAL_TXT = "val.txt"
DEVKIT_FOLDER = "ILSVRC2012_devkit_t12"
GROUND_TRUTH = "ILSVRC2012_validation_ground_truth.txt"
META_MAT = "meta.mat"

# Layout name -> what it looks like; detect_layout returns these names and errors list the texts.
LAYOUTS = {
    "val_txt": "ILSVRC2012 validation with val.txt: ILSVRC2012_val_00000001.JPEG ... and a val.txt of "
    "'<file> <class index>' lines, such as 'ILSVRC2012_val_00000001.JPEG 65' (Open Model Zoo)",
    "devkit": f"ILSVRC2012 validation with the devkit: the same images and {DEVKIT_FOLDER}/data/"
    f"{GROUND_TRUTH} and {META_MAT}, inside or beside the image folder",
    "synset_folders": "a folder per synset (the train layout): n01440764/n01440764_10026.JPEG",
    "synset_named": "synset-named files in one folder: n02123045_tabby.JPEG",
}


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


def read_synset_named_file(path: Path) -> LabeledImage:
    """One image named ``<synset>_<anything>.<ext>``, labelled by its synset; DatasetError otherwise."""
    path = Path(path)
    match = _SYNSET_PREFIX.match(path.name)
    index = synset_to_index()
    if not (match and match.group(1) in index):
        raise DatasetError(f"{path.name} has no ImageNet synset in its name; rename it <synset>_<name>.JPEG "
                           f"(like n02123045_tabby.JPEG) or label it with a ground-truth file.")
    if not path.is_file():
        raise DatasetError(f"{path}: image not found; check the path.")
    return LabeledImage(path, index[match.group(1)])


def evenly_spaced(items: list, count: int) -> list:
    """``count`` items spread evenly over ``items`` (all of them if there are fewer): a fixed,
    reproducible subset that covers the whole range of classes."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


# --- The layouts beyond synset-named files, and read_dataset that picks one -------------------


def read_dataset(folder: Path, annotation: Path | None = None) -> list[LabeledImage]:
    """All labelled images of ``folder``, in whichever layout it has (see ``LAYOUTS``), sorted by path.

    ``annotation`` is only for ILSVRC2012 validation folders: a val.txt, the devkit's ground truth
    or meta.mat, or the devkit folder; without it they are looked for in the usual places.
    """
    layout = detect_layout(folder, annotation)
    if layout == "val_txt":
        return read_val_txt_folder(folder, annotation)
    if layout == "devkit":
        return read_devkit_val_folder(folder, annotation)
    if layout == "synset_folders":
        return read_synset_folders(folder)
    return read_synset_named_folder(folder)


def read_ground_truth_file(ground_truth: Path, images: list[Path] | None = None) -> list[LabeledImage]:
    """Images labelled by a ground-truth file of ``<image path> <class index>`` lines, the format of
    Open Model Zoo's classification_benchmark_demo ``-gt`` file (and of a val.txt). Paths are taken
    relative to the file's folder unless absolute.

    Without ``images``: every image the file names, in its order; one that is not there is an error.
    With ``images``: those images, each labelled by its line (matched by path, else by file name);
    an image without a line is an error. Raises ``DatasetError`` (one line) naming the image.
    """
    ground_truth = Path(ground_truth)
    labels = _read_val_txt(ground_truth)
    by_path = {(ground_truth.parent / name).resolve(): index for name, index in labels.items()}
    if images is None:
        missing = [name for name in labels if not (ground_truth.parent / name).is_file()]
        if missing:
            raise DatasetError(
                f"{len(missing)} image(s) named in {ground_truth} are not there, for example {missing[0]} "
                f"(looked in {ground_truth.parent}); fix the path or delete its line."
            )
        return [LabeledImage(ground_truth.parent / name, index) for name, index in labels.items()]
    by_name: dict[str, list[int]] = {}
    for name, index in labels.items():
        by_name.setdefault(Path(name).name, []).append(index)
    items = []
    for image in map(Path, images):
        label = by_path.get(image.resolve())
        if label is None and len(by_name.get(image.name, [])) == 1:
            label = by_name[image.name][0]
        if label is None:
            raise DatasetError(f"{image} has no line in {ground_truth}; add '<image path> <class index>' for it.")
        items.append(LabeledImage(image, label))
    return items


def detect_layout(folder: Path, annotation: Path | None = None) -> str:
    """The name (a key of ``LAYOUTS``) of the layout ``folder`` is in, given the optional
    ``annotation`` of ``read_dataset``. Raises DatasetError, listing the layouts understood and
    what the folder holds, when none fits. Looks only at names (and an annotation's first line);
    the chosen reader checks the rest."""
    folder = _require_folder(folder)
    if annotation is not None:
        return "devkit" if _is_devkit_annotation(Path(annotation)) else "val_txt"
    entries = list(folder.iterdir())
    has_val_images = any(_VAL_IMAGE_STEM.match(p.stem) for p in entries if _is_image(p))
    if (folder / VAL_TXT).is_file():
        return "val_txt"
    # A devkit in the parent folder may belong to a train folder beside it: only the
    # validation images make it this folder's annotation.
    if has_val_images and find_devkit_files(folder) is not None:
        return "devkit"
    if any(p.is_dir() and _SYNSET_NAME.match(p.name) for p in entries):
        return "synset_folders"
    if any(_is_image(p) and _SYNSET_PREFIX.match(p.name) for p in entries):
        return "synset_named"
    raise DatasetError(_no_layout_message(folder, entries, has_val_images))


def read_val_txt_folder(folder: Path, val_txt: Path | None = None) -> list[LabeledImage]:
    """Images in ``folder`` labelled by ``val_txt`` (default ``folder/val.txt``), whose lines are
    ``<file> <class index>`` with the index already in the model's order, as Open Model Zoo's
    accuracy_checker reads ILSVRC2012 validation. Returns the images sorted by path."""
    folder = _require_folder(folder)
    val_txt = folder / VAL_TXT if val_txt is None else Path(val_txt)
    labels = _read_val_txt(val_txt)
    items = [LabeledImage(folder / name, index) for name, index in labels.items()]
    listed = {item.path for item in items}
    _check_nothing_left_out(
        folder,
        val_txt,
        missing=[name for name in labels if not (folder / name).is_file()],
        unlabelled=[p.name for p in _image_files(folder) if p not in listed],
        fix_missing="copy those images into the folder or delete their lines from the annotation",
    )
    return sorted(items, key=lambda item: item.path)


def read_devkit_val_folder(folder: Path, devkit: Path | None = None) -> list[LabeledImage]:
    """ILSVRC2012 validation images ``ILSVRC2012_val_%08d.JPEG`` in ``folder``, labelled by the
    devkit: its ground truth gives image n's ILSVRC2012_ID (line n), its meta.mat turns that ID
    into the model's class index. ``devkit`` is the devkit folder (or its data folder, ground truth
    or meta.mat); by default it is looked for in the usual places (``find_devkit_files``).
    Returns the images sorted by path."""
    folder = _require_folder(folder)
    ground_truth, meta_mat = _devkit_files(folder, devkit)
    ids = _read_ground_truth(ground_truth)
    id_to_index = devkit_id_to_index(meta_mat)
    unknown = sorted(set(ids) - id_to_index.keys())
    if unknown:
        raise DatasetError(
            f"ILSVRC2012_ID {unknown[0]} in {ground_truth} is not a class in {meta_mat}; "
            f"use the meta.mat from the same devkit ({DEVKIT_FOLDER}/data)."
        )
    items, unlabelled, present = [], [], set()
    for path in _image_files(folder):
        match = _VAL_IMAGE_STEM.match(path.stem)
        number = int(match.group(1)) if match else 0
        if 1 <= number <= len(ids):
            items.append(LabeledImage(path, id_to_index[ids[number - 1]]))
            present.add(number)
        else:
            unlabelled.append(path.name)
    _check_nothing_left_out(
        folder,
        ground_truth,
        missing=[f"ILSVRC2012_val_{n:08d}.JPEG" for n in range(1, len(ids) + 1) if n not in present],
        unlabelled=unlabelled,
        # Line n is image n, so lines cannot be deleted: a subset needs its own val.txt.
        fix_missing="copy those images into the folder, or label the images you have with a val.txt",
    )
    return items


def devkit_id_to_index(meta_mat: Path) -> dict[int, int]:
    """The devkit's class IDs (ILSVRC2012_ID, 1..1000, in the devkit's own order) mapped to the
    model's class index, through the WNID of each leaf synset (num_children == 0) in ``meta_mat``."""
    from scipy.io import loadmat  # imported here: scipy.io takes a third of a second to import, for one layout

    meta_mat = Path(meta_mat)
    try:
        synsets = np.atleast_1d(loadmat(meta_mat, squeeze_me=True)["synsets"])
    except Exception as error:  # unreadable or foreign .mat files all need the same fix
        raise DatasetError(
            f"Cannot read the synsets table of {meta_mat} ({error!r}); use {DEVKIT_FOLDER}/data/{META_MAT}."
        ) from error
    lacking = {"ILSVRC2012_ID", "WNID", "num_children"} - set(synsets.dtype.names or ())
    if lacking:
        raise DatasetError(
            f"The synsets of {meta_mat} have no field {sorted(lacking)}; use {DEVKIT_FOLDER}/data/{META_MAT}."
        )
    index = synset_to_index()
    id_to_index = {}
    for synset in synsets:
        if int(synset["num_children"]) != 0:
            continue  # an inner WordNet node, not one of the 1000 classes
        class_id, wnid = int(synset["ILSVRC2012_ID"]), str(synset["WNID"])
        if wnid not in index or not 1 <= class_id <= NUM_CLASSES or class_id in id_to_index:
            raise DatasetError(
                f"{meta_mat} has leaf synset {wnid} with ILSVRC2012_ID {class_id}, which is not one of "
                f"the 1000 ImageNet-1k classes with a unique ID 1..1000; use {DEVKIT_FOLDER}/data/{META_MAT}."
            )
        id_to_index[class_id] = index[wnid]
    return id_to_index


def find_devkit_files(folder: Path) -> tuple[Path, Path] | None:
    """The devkit's (ground truth, meta.mat) paths for an image folder or a devkit folder: the
    first of ``devkit_places(folder)`` that holds the ground truth (meta.mat may still be missing
    there), or None."""
    for place in devkit_places(folder):
        if (place / GROUND_TRUTH).is_file():
            return place / GROUND_TRUTH, place / META_MAT
    return None


def devkit_places(folder: Path) -> list[Path]:
    """Where the devkit's data files are looked for: in ``folder`` itself, its ``data``, and the
    devkit's data folder inside or beside ``folder``."""
    folder = Path(folder)
    return [
        folder,
        folder / "data",
        folder / DEVKIT_FOLDER / "data",
        folder.parent / DEVKIT_FOLDER / "data",
    ]


def read_synset_folders(folder: Path) -> list[LabeledImage]:
    """Images in one subfolder per synset, ``folder/n01440764/<any name>.JPEG`` (the ImageNet train
    layout), labelled by their subfolder's synset. Returns them sorted by path."""
    folder = _require_folder(folder)
    index = synset_to_index()
    items = []
    for subfolder in sorted(p for p in folder.iterdir() if p.is_dir()):
        images = _image_files(subfolder)
        if not _SYNSET_NAME.match(subfolder.name):
            if images:
                raise DatasetError(
                    f"{len(images)} image(s) in {subfolder} are not in a synset folder, for example "
                    f"{images[0].name}; move them into their class's folder (like n01440764) or out of {folder}."
                )
            continue  # a devkit, checkpoints, or other folder without images
        if subfolder.name not in index:
            raise DatasetError(
                f"Folder {subfolder.name} in {folder} is not one of the 1000 ImageNet-1k synsets; "
                "rename it to its class's synset or move it out."
            )
        deeper = [p.name for p in subfolder.iterdir() if p.is_dir() and _image_files(p)]
        if deeper:
            raise DatasetError(
                f"{subfolder} has images in subfolder {deeper[0]}; put them directly in {subfolder} "
                "(synset folders are one level deep)."
            )
        items.extend(LabeledImage(path, index[subfolder.name]) for path in images)
    loose = _image_files(folder)
    if loose:
        raise DatasetError(
            f"{len(loose)} image(s) directly in {folder} are in no synset folder, for example "
            f"{loose[0].name}; move each into its class's folder (like n01440764)."
        )
    if not items:
        raise DatasetError(f"The synset folders in {folder} hold no images ({', '.join(sorted(IMAGE_SUFFIXES))}).")
    return items


def _require_folder(folder: Path) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder. Point TUTORIAL_DATA at a folder of images.")
    return folder


def _is_image(path: Path) -> bool:
    """Judged by the suffix only: decoding is the evaluator's job, which counts unreadable images."""
    return path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()


def _image_files(folder: Path) -> list[Path]:
    """The image files directly in ``folder``, sorted; other files (val.txt, README...) are ignored."""
    return sorted(p for p in folder.iterdir() if _is_image(p))


def _read_val_txt(val_txt: Path) -> dict[str, int]:
    """A val.txt's ``<file> <class index>`` lines as {file name: class index}; blank lines skipped."""
    if not val_txt.is_file():
        raise DatasetError(f"No annotation file {val_txt}: give the path of your val.txt.")
    labels = {}
    for number, line in enumerate(_read_text(val_txt).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.rsplit(maxsplit=1)  # from the right, so file names may hold spaces
        if len(parts) != 2 or not parts[1].isdecimal():
            raise DatasetError(
                f"{val_txt} line {number} is not '<file> <class index>': {line.strip()!r}; fix or delete that line."
            )
        name, index = parts[0].strip(), int(parts[1])
        if index >= NUM_CLASSES:
            raise DatasetError(
                f"{val_txt} line {number}: class index {index} is outside 0..{NUM_CLASSES - 1}. val.txt holds the "
                f"model's class indices; the devkit's IDs 1..1000 need its {META_MAT} (give the devkit instead)."
            )
        if name in labels:
            raise DatasetError(f"{val_txt} line {number} labels {name} a second time; keep one line per image.")
        labels[name] = index
    if not labels:
        raise DatasetError(f"{val_txt} lists no images; expected lines like 'ILSVRC2012_val_00000001.JPEG 65'.")
    return labels


def _read_ground_truth(ground_truth: Path) -> list[int]:
    """The devkit's ground truth as a list of ILSVRC2012_IDs: item n-1 is the ID of image n."""
    # Trailing blank lines are harmless; one inside would shift every later image's label.
    lines = _read_text(ground_truth).rstrip().splitlines()
    ids = []
    for number, line in enumerate(lines, start=1):
        if not line.strip().isdecimal():
            raise DatasetError(
                f"{ground_truth} line {number} is not one ILSVRC2012_ID: {line.strip()!r}; "
                f"line n must hold just the ID (1..{NUM_CLASSES}) of image ILSVRC2012_val_<n>.JPEG."
            )
        class_id = int(line)
        if not 1 <= class_id <= NUM_CLASSES:
            raise DatasetError(
                f"{ground_truth} line {number}: ILSVRC2012_ID {class_id} is outside 1..{NUM_CLASSES}; "
                f"use the devkit's unmodified {GROUND_TRUTH}."
            )
        ids.append(class_id)
    if not ids:
        raise DatasetError(f"{ground_truth} is empty; use the devkit's {GROUND_TRUTH}.")
    return ids


def _is_devkit_annotation(annotation: Path) -> bool:
    """Whether an annotation given to read_dataset is the devkit's (a folder, meta.mat, or one
    ID per line) rather than a val.txt (``<file> <class index>`` per line)."""
    if not annotation.exists():
        raise DatasetError(f"The annotation {annotation} does not exist; give a val.txt, or the devkit folder.")
    if annotation.is_dir() or annotation.suffix.lower() == ".mat" or annotation.name == GROUND_TRUTH:
        return True
    first = next((line.split() for line in _read_text(annotation).splitlines() if line.strip()), [])
    return len(first) == 1 and first[0].isdecimal()


def _read_text(annotation: Path) -> str:
    """An annotation file's text (UTF-8); DatasetError naming the file when it is binary, such as
    the devkit's .tar.gz archive given instead of a file from inside it."""
    try:
        return annotation.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(
            f"{annotation} is not a text file (byte {error.start} is not UTF-8): give a val.txt, the devkit's "
            f"{GROUND_TRUTH} or meta.mat, or the devkit folder; extract an archive such as "
            f"{DEVKIT_FOLDER}.tar.gz first."
        ) from error


def _devkit_files(folder: Path, devkit: Path | None) -> tuple[Path, Path]:
    """(ground truth, meta.mat) for read_devkit_val_folder, both checked to exist."""
    if devkit is None:
        found = find_devkit_files(folder)
        if found is None:
            places = ", ".join(str(p) for p in devkit_places(folder))
            raise DatasetError(
                f"No {GROUND_TRUTH} for {folder} (looked in {places}); put {DEVKIT_FOLDER} inside or beside "
                "the image folder, or give its path."
            )
        return _both_exist(*found)
    devkit = Path(devkit)
    if devkit.is_dir():
        found = find_devkit_files(devkit)
        return _both_exist(*(found or (devkit / "data" / GROUND_TRUTH, devkit / "data" / META_MAT)))
    if devkit.suffix.lower() == ".mat":
        return _both_exist(devkit.parent / GROUND_TRUTH, devkit)
    return _both_exist(devkit, devkit.parent / META_MAT)


def _both_exist(ground_truth: Path, meta_mat: Path) -> tuple[Path, Path]:
    for needed in (ground_truth, meta_mat):
        if not needed.is_file():
            raise DatasetError(
                f"Missing {needed}: the devkit layout needs {GROUND_TRUTH} and {META_MAT} side by side, "
                f"as in {DEVKIT_FOLDER}/data."
            )
    return ground_truth, meta_mat


def _check_nothing_left_out(folder, annotation, missing: list[str], unlabelled: list[str], fix_missing: str) -> None:
    """Raise DatasetError if an annotated image is missing or an image has no label: either would
    quietly change which images an accuracy is measured on."""
    if missing:
        raise DatasetError(
            f"{len(missing)} image(s) listed in {annotation} are not in {folder}, "
            f"for example {missing[0]}; {fix_missing}."
        )
    if unlabelled:
        raise DatasetError(
            f"{len(unlabelled)} image(s) in {folder} have no label in {annotation}, for example {unlabelled[0]}; "
            "label them there or move them out of the folder."
        )


def _no_layout_message(folder: Path, entries: list[Path], has_val_images: bool) -> str:
    """Why ``folder`` fits no layout: the layouts understood, with examples, and what it holds."""
    kinds = {
        "image file(s)": [p.name for p in sorted(entries) if _is_image(p)],
        "subfolder(s)": [p.name for p in sorted(entries) if p.is_dir()],
        "other file(s)": [p.name for p in sorted(entries) if p.is_file() and not _is_image(p)],
    }
    found = ", ".join(
        f"{len(names)} {kind}" + (f" such as {names[0]}" if names else "") for kind, names in kinds.items()
    )
    hint = (
        f" The images look like ILSVRC2012 validation: put {VAL_TXT} in the folder, give it as the annotation, "
        f"or put {DEVKIT_FOLDER} inside or beside the folder."
        if has_val_images
        else ""
    )
    return (  # one line: the commands print it as their one error line
        f"{folder} holds no labelled images in a layout understood here; arrange them in one of these layouts, or "
        f"point TUTORIAL_DATA at a folder that is: {'; '.join(LAYOUTS.values())}. Found: {found}.{hint}"
    )
