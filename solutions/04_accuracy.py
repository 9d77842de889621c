"""Solutions to Lesson 04's exercises (04_accuracy.ipynb)."""
import numpy as np

from helpers import exercises


# 04.1 Top-5 accuracy by hand: the five most probable classes of each image, then the share of images
# whose label is among them.
def top5_accuracy(probabilities, labels):
    top5 = np.argsort(-probabilities, axis=1)[:, :5]
    return float((top5 == np.asarray(labels)[:, None]).any(axis=1).mean())


# 04.2 How many images for a 95 % interval of +-1 point at 67 % top-1? The half-width is about
# 1.96 * sqrt(p (1 - p) / n); solve 1.96 * sqrt(0.67 * 0.33 / n) = 0.01 for n.
my_images = round(1.96 ** 2 * 0.67 * 0.33 / 0.01 ** 2)


if __name__ == "__main__":
    print(exercises.check_top5_accuracy(top5_accuracy))
    print(exercises.check_images_needed(my_images))
