import pytest

from helpers.datasets import DatasetError, evenly_spaced, read_synset_named_folder, synset_to_index


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
