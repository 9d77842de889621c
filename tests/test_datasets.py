"""helpers.datasets: the ImageNet folder layouts read_dataset understands, built as tiny folders of empty "images"
(nothing is decoded while reading a dataset), the clear error each mistake gives, and evenly_spaced."""
import numpy as np
import pytest
from scipy.io import savemat

from helpers.datasets import (
    DEVKIT_FOLDER,
    DatasetError,
    LabeledImage,
    detect_layout,
    devkit_id_to_index,
    evenly_spaced,
    read_dataset,
    read_devkit_val_folder,
    read_synset_folders,
    read_synset_named_folder,
    read_val_txt_folder,
    synset_to_index,
)
from helpers.model_card import imagenet_classes

TENCH, GOLDFISH, TABBY = "n01440764", "n01443537", "n02123045"  # model indices 0, 1, 281
VAL = "ILSVRC2012_val_{:08d}.JPEG"


def devkit_id(model_index):
    """A deliberately scrambled devkit ID for each model index (7 is coprime with 1000, so this is a
    permutation of 1..1000): a reader that uses the ID as the class index gets every label wrong."""
    return (model_index * 7 + 3) % 1000 + 1


def touch(folder, *names):
    """Empty files: enough, since readers only look at names."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return folder


def write_meta_mat(path, classes=None):
    """A meta.mat shaped like the devkit's: a (n, 1) struct array `synsets` whose leaf entries
    (num_children == 0) carry ILSVRC2012_ID and WNID, followed by inner WordNet nodes."""
    classes = imagenet_classes() if classes is None else classes
    rows = [(devkit_id(c.index), c.synset, c.name, 0) for c in classes]
    rows += [(1001, "n00001740", "entity", 3), (1002, "n00002684", "object", 2)]
    fields = [("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("num_children", "O")]
    synsets = np.zeros((len(rows), 1), dtype=fields)
    for i, (class_id, wnid, words, children) in enumerate(rows):
        synsets[i, 0] = (np.array([[class_id]], np.uint16), wnid, words, np.array([[children]], np.uint8))
    path.parent.mkdir(parents=True, exist_ok=True)
    savemat(path, {"synsets": synsets})
    return path


def write_devkit(devkit, model_indices):
    """A devkit folder whose ground truth labels image n with model class ``model_indices[n-1]``."""
    data = devkit / "data"
    write_meta_mat(data / "meta.mat")
    (data / "ILSVRC2012_validation_ground_truth.txt").write_text("".join(f"{devkit_id(i)}\n" for i in model_indices))
    return devkit


def labels(items):
    return [(item.path.name, item.label) for item in items]


# --- val.txt (Open Model Zoo's accuracy_checker) ---------------------------------------------


def test_val_txt_in_the_folder_gives_its_indices_sorted_by_path(tmp_path):
    touch(tmp_path, VAL.format(2), VAL.format(1), "README", "notes.txt")
    (tmp_path / "val.txt").write_text(f"{VAL.format(2)} 281\n\n{VAL.format(1)} 0\n")
    items = read_val_txt_folder(tmp_path)
    assert labels(items) == [(VAL.format(1), 0), (VAL.format(2), 281)]
    assert items[0] == LabeledImage(tmp_path / VAL.format(1), 0)
    assert detect_layout(tmp_path) == "val_txt"
    assert read_dataset(tmp_path) == items


def test_val_txt_given_explicitly(tmp_path):
    images = touch(tmp_path / "val", VAL.format(1), VAL.format(2))
    val_txt = tmp_path / "annotations" / "my_val.txt"
    val_txt.parent.mkdir()
    val_txt.write_text(f"{VAL.format(1)} 5\n{VAL.format(2)} 999\n")
    expected = [(VAL.format(1), 5), (VAL.format(2), 999)]
    assert labels(read_val_txt_folder(images, val_txt)) == expected
    assert detect_layout(images, val_txt) == "val_txt"
    assert labels(read_dataset(images, val_txt)) == expected


@pytest.mark.parametrize(
    "images, val_txt, message",
    [
        ([VAL.format(1)], f"{VAL.format(1)} 0\n{VAL.format(2)} 1\n",
         r"1 image\(s\) listed in .*val.txt are not in .*00000002"),
        ([VAL.format(1), VAL.format(2)], f"{VAL.format(1)} 0\n",
         r"1 image\(s\) in .* have no label .*00000002.*label them"),
        ([VAL.format(1)], f"{VAL.format(1)} 0\n{VAL.format(2)}\n", r"line 2 is not '<file> <class index>'"),
        ([VAL.format(1)], f"{VAL.format(1)} tench\n", r"line 1 is not '<file> <class index>'"),
        ([VAL.format(1)], f"{VAL.format(1)} 1000\n", r"line 1: class index 1000 is outside 0..999.*devkit"),
        ([VAL.format(1)], f"{VAL.format(1)} 0\n{VAL.format(1)} 3\n", r"line 2 labels .*00000001.* a second time"),
        ([VAL.format(1)], "\n", r"lists no images"),
    ],
    ids=["missing image", "image without label", "line without index", "index not a number",
         "index out of range", "image twice", "empty"],
)
def test_val_txt_mistakes_are_named(tmp_path, images, val_txt, message):
    touch(tmp_path, *images)
    (tmp_path / "val.txt").write_text(val_txt)
    with pytest.raises(DatasetError, match=message):
        read_dataset(tmp_path)


def test_a_missing_val_txt_is_named(tmp_path):
    touch(tmp_path, VAL.format(1))
    with pytest.raises(DatasetError, match="No annotation file .*val.txt"):
        read_val_txt_folder(tmp_path)
    with pytest.raises(DatasetError, match="does not exist"):
        read_dataset(tmp_path, tmp_path / "nowhere.txt")


# --- The devkit's ground truth and meta.mat ------------------------------------------------


def test_devkit_ids_map_through_the_wnid_to_the_sorted_synset_index(tmp_path):
    id_to_index = devkit_id_to_index(write_meta_mat(tmp_path / "meta.mat"))
    assert len(id_to_index) == 1000 and sorted(id_to_index) == list(range(1, 1001))  # inner nodes skipped
    index = synset_to_index()
    for c in imagenet_classes():
        assert id_to_index[devkit_id(c.index)] == index[c.synset]
    assert id_to_index[devkit_id(281)] == index[TABBY] == 281
    assert id_to_index != {k: k - 1 for k in range(1, 1001)}  # the scramble really tests the mapping


@pytest.mark.parametrize("place", ["inside", "beside", "given", "given ground truth", "given meta.mat"])
def test_devkit_labels_the_validation_folder(tmp_path, place):
    images = touch(tmp_path / "val", VAL.format(3), VAL.format(1), VAL.format(2), "README.txt")
    devkit_parent = images if place == "inside" else tmp_path if place == "beside" else tmp_path / "downloads"
    devkit = write_devkit(devkit_parent / DEVKIT_FOLDER, [0, 281, 999])
    annotation = {
        "given": devkit,
        "given ground truth": devkit / "data" / "ILSVRC2012_validation_ground_truth.txt",
        "given meta.mat": devkit / "data" / "meta.mat",
    }.get(place)
    expected = [(VAL.format(1), 0), (VAL.format(2), 281), (VAL.format(3), 999)]
    assert labels(read_devkit_val_folder(images, annotation)) == expected
    assert detect_layout(images, annotation) == "devkit"
    assert labels(read_dataset(images, annotation)) == expected


def test_devkit_files_copied_into_the_image_folder_are_found(tmp_path):
    write_devkit(tmp_path / "devkit", [1])
    for name in ["meta.mat", "ILSVRC2012_validation_ground_truth.txt"]:
        (tmp_path / "val" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "val" / name).write_bytes((tmp_path / "devkit" / "data" / name).read_bytes())
    touch(tmp_path / "val", VAL.format(1))
    assert labels(read_dataset(tmp_path / "val")) == [(VAL.format(1), 1)]


def test_val_txt_wins_over_a_devkit(tmp_path):
    touch(tmp_path, VAL.format(1))
    write_devkit(tmp_path / DEVKIT_FOLDER, [0])
    (tmp_path / "val.txt").write_text(f"{VAL.format(1)} 7\n")
    assert detect_layout(tmp_path) == "val_txt"
    assert labels(read_dataset(tmp_path)) == [(VAL.format(1), 7)]


@pytest.mark.parametrize(
    "images, ground_truth, message",
    [
        ([VAL.format(1)], "1\n2\n", r"1 image\(s\) listed in .*ground_truth.txt are not in .*00000002.*val.txt"),
        ([VAL.format(1), VAL.format(2)], "1\n", r"1 image\(s\) in .* have no label .*00000002"),
        ([VAL.format(1), "cat.jpg"], "1\n", r"have no label .*cat.jpg"),
        ([VAL.format(1), VAL.format(2)], "1\n\n2\n", r"line 2 is not one ILSVRC2012_ID"),
        ([VAL.format(1)], "n01440764\n", r"line 1 is not one ILSVRC2012_ID"),
        ([VAL.format(1), VAL.format(2)], "1\n1001\n", r"line 2: ILSVRC2012_ID 1001 is outside 1..1000"),
        ([VAL.format(1)], "0\n", r"line 1: ILSVRC2012_ID 0 is outside 1..1000"),
    ],
    ids=["missing image", "image without label", "foreign image", "blank line", "not a number",
         "id above 1000", "id 0"],
)
def test_ground_truth_mistakes_are_named(tmp_path, images, ground_truth, message):
    touch(tmp_path / "val", *images)
    write_devkit(tmp_path / DEVKIT_FOLDER, [])
    (tmp_path / DEVKIT_FOLDER / "data" / "ILSVRC2012_validation_ground_truth.txt").write_text(ground_truth)
    with pytest.raises(DatasetError, match=message):
        read_dataset(tmp_path / "val")


def test_meta_mat_mistakes_are_named(tmp_path):
    images = touch(tmp_path / "val", VAL.format(1))
    data = write_devkit(tmp_path / DEVKIT_FOLDER, [5]) / "data"
    # A meta.mat that lacks the class of an ID in the ground truth.
    write_meta_mat(data / "meta.mat", imagenet_classes()[:3])
    with pytest.raises(DatasetError, match=f"ILSVRC2012_ID {devkit_id(5)} in .* is not a class in .*meta.mat"):
        read_dataset(images)
    savemat(data / "meta.mat", {"classes": np.arange(3)})
    with pytest.raises(DatasetError, match="Cannot read the synsets table"):
        read_dataset(images)
    (data / "meta.mat").write_text("not a MATLAB file")
    with pytest.raises(DatasetError, match="Cannot read the synsets table"):
        read_dataset(images)
    (data / "meta.mat").unlink()
    with pytest.raises(DatasetError, match="Missing .*meta.mat.*side by side"):
        read_dataset(images)


def test_a_devkit_that_is_not_there_is_named(tmp_path):
    images = touch(tmp_path / "val", VAL.format(1))
    with pytest.raises(DatasetError, match="No ILSVRC2012_validation_ground_truth.txt for .*looked in"):
        read_devkit_val_folder(images)
    (tmp_path / "empty_devkit").mkdir()
    with pytest.raises(DatasetError, match="Missing .*empty_devkit/data/ILSVRC2012_validation_ground_truth.txt"):
        read_dataset(images, tmp_path / "empty_devkit")


# --- A folder per synset (the train layout) ------------------------------------------------


def test_synset_folders_label_by_folder(tmp_path):
    touch(tmp_path / TABBY, "b.JPEG", "a.jpg", "labels.txt")
    touch(tmp_path / TENCH, f"{TENCH}_10026.JPEG")
    touch(tmp_path / GOLDFISH, "x.png")
    touch(tmp_path / ".ipynb_checkpoints", "notes.txt")
    touch(tmp_path, "README.md")
    expected = [(f"{TENCH}_10026.JPEG", 0), ("x.png", 1), ("a.jpg", 281), ("b.JPEG", 281)]
    assert labels(read_synset_folders(tmp_path)) == expected
    assert detect_layout(tmp_path) == "synset_folders"
    items = read_dataset(tmp_path)
    assert labels(items) == expected and items == sorted(items, key=lambda item: item.path)


@pytest.mark.parametrize(
    "layout, message",
    [
        ({TENCH: ["a.JPEG"], "n99999999": ["b.JPEG"]}, r"n99999999 .* is not one of the 1000 ImageNet-1k synsets"),
        ({TENCH: ["a.JPEG"], "": ["loose.jpg"]},
         r"1 image\(s\) directly in .* no synset folder, for example loose.jpg"),
        ({TENCH: ["a.JPEG"], "cats": ["c.jpg"]}, r"1 image\(s\) in .*cats are not in a synset folder"),
        ({TENCH: ["a.JPEG"], f"{GOLDFISH}/more": ["d.jpg"]}, r"has images in subfolder more.*one level deep"),
        ({TENCH: ["notes.txt"]}, r"hold no images"),
    ],
    ids=["unknown synset", "loose image", "folder not a synset", "nested too deep", "no images"],
)
def test_synset_folder_mistakes_are_named(tmp_path, layout, message):
    for subfolder, names in layout.items():
        touch(tmp_path / subfolder, *names)
    with pytest.raises(DatasetError, match=message):
        read_dataset(tmp_path)


# --- Synset-named files, and folders that fit no layout ------------------------------------


def test_synset_named_files_are_detected(tmp_path):
    touch(tmp_path, f"{TABBY}_tabby.JPEG", f"{TENCH}_tench.jpeg", "notes.txt")
    assert detect_layout(tmp_path) == "synset_named"
    assert read_dataset(tmp_path) == read_synset_named_folder(tmp_path)
    assert labels(read_dataset(tmp_path)) == [(f"{TENCH}_tench.jpeg", 0), (f"{TABBY}_tabby.JPEG", 281)]
    touch(tmp_path, "holiday.jpg")
    with pytest.raises(DatasetError, match=r"1 image\(s\).*holiday.jpg"):
        read_dataset(tmp_path)


def test_a_folder_in_no_layout_lists_the_layouts_and_what_it_holds(tmp_path):
    touch(tmp_path / "holidays", "beach.jpg")
    touch(tmp_path, "cat.jpg", "dog.png", "notes.txt")
    with pytest.raises(DatasetError) as error:
        read_dataset(tmp_path)
    message = str(error.value)
    assert "\n" not in message, "the commands print it as one error line"
    assert message.startswith(f"{tmp_path} holds no labelled images in a layout understood here; arrange them")
    for example in ["val.txt", "ILSVRC2012_val_00000001.JPEG", DEVKIT_FOLDER, "meta.mat",
                    "n01440764/n01440764_10026.JPEG", "n02123045_tabby.JPEG"]:
        assert example in message
    assert (
        "Found: 2 image file(s) such as cat.jpg, 1 subfolder(s) such as holidays, "
        "1 other file(s) such as notes.txt" in message
    )
    assert "look like ILSVRC2012 validation" not in message


def test_validation_images_without_annotation_say_what_to_add(tmp_path):
    touch(tmp_path / "val", VAL.format(1), VAL.format(2))
    with pytest.raises(DatasetError, match=r"(?s)Found: 2 image file\(s\).*look like ILSVRC2012 validation.*val.txt"):
        read_dataset(tmp_path / "val")


def test_an_empty_folder_or_no_folder(tmp_path):
    with pytest.raises(DatasetError, match="Found: 0 image file"):
        read_dataset(tmp_path)
    with pytest.raises(DatasetError, match="not a folder"):
        read_dataset(tmp_path / "missing")


def test_synset_named_folder_gives_model_indices(tmp_path):
    for name in ["n02123045_tabby.JPEG", "n01440764_tench.jpeg", "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    items = read_synset_named_folder(tmp_path)
    assert [(i.path.name, i.label) for i in items] == [("n01440764_tench.jpeg", 0), ("n02123045_tabby.JPEG", 281)]
    assert synset_to_index()["n02123045"] == 281


def test_unlabelled_images_are_not_silently_dropped(tmp_path):
    (tmp_path / "n01440764_tench.JPEG").write_bytes(b"")
    (tmp_path / "holiday.jpg").write_bytes(b"")
    with pytest.raises(DatasetError, match="1 image\\(s\\).*holiday.jpg"):
        read_synset_named_folder(tmp_path)


def test_a_folder_without_labelled_images_says_which_layout_is_expected(tmp_path):
    (tmp_path / "cat.jpg").write_bytes(b"")
    with pytest.raises(DatasetError, match="<synset>_<name>.JPEG.*cat.jpg"):
        read_synset_named_folder(tmp_path)
    with pytest.raises(DatasetError, match="not a folder"):
        read_synset_named_folder(tmp_path / "missing")


def test_evenly_spaced_is_fixed_and_spread():
    items = list(range(1000))
    subset = evenly_spaced(items, 100)
    assert subset == list(range(0, 1000, 10))
    assert evenly_spaced(items[:5], 100) == items[:5]
