import re

from helpers import model_card as card


def test_classes_are_the_1000_imagenet_synsets_in_sorted_order():
    classes = card.imagenet_classes()
    synsets = [c.synset for c in classes]
    assert len(classes) == card.NUM_CLASSES == 1000
    assert synsets == sorted(synsets), "the model's class index is the position in the sorted synsets"
    assert len(set(synsets)) == 1000
    assert all(re.fullmatch(r"n\d{8}", s) for s in synsets)
    assert (classes[0].synset, card.class_names()[0]) == ("n01440764", "tench")
    assert card.class_names()[652] == "military uniform"


def test_input_and_output_facts_are_those_of_the_keras_model(keras_model):
    # The card's facts checked against an independent source: the model Keras builds.
    (image,), (probabilities,) = keras_model.inputs, keras_model.outputs
    assert image.name == card.INPUT_NAME
    assert tuple(image.shape[1:]) == card.INPUT_SHAPE[1:] == (card.INPUT_HEIGHT, card.INPUT_WIDTH, 3)
    assert tuple(probabilities.shape[1:]) == card.OUTPUT_SHAPE[1:]
    assert card.INPUT_LAYOUT == "NHWC" and image.shape[-1] == 3, "channels last"
    rescaling = [layer for layer in keras_model.layers if type(layer).__name__ == "Rescaling"]
    assert rescaling, "the card's input range [0, 255] relies on the Rescaling layer inside the model"



def test_official_weights_entry_is_complete():
    weights = card.OFFICIAL_WEIGHTS
    assert weights.algorithm == "sha384" and re.fullmatch(r"[0-9a-f]{96}", weights.digest)
    assert re.fullmatch(r"[0-9a-f]{32}", card.WEIGHTS_KERAS_MD5)
    assert weights.urls == (card.WEIGHTS_MIRROR_URL, card.WEIGHTS_KERAS_URL), "mirror first, then the original"
    assert all(url.startswith("https://") and url.endswith("/" + weights.name) for url in weights.urls)
