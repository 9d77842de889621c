"""A handful of photos that ship with the project's dependencies, with their source and licence.

They need no download and no TUTORIAL_DATA, so every learner has them.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class DemoPhoto:
    name: str
    path: Path
    subject: str
    source: str
    licence: str


def _packaged(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def demo_photos() -> list[DemoPhoto]:
    """The demo photos, Grace Hopper first (Lesson 01's photo)."""
    return [
        DemoPhoto("grace_hopper", _packaged("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg"),
                  "Grace Hopper in uniform", "US Navy, shipped with matplotlib", "public domain"),
        DemoPhoto("chelsea", _packaged("skimage", "data", "chelsea.png"),
                  "Chelsea the cat", "Stefan van der Walt, shipped with scikit-image", "CC0"),
        DemoPhoto("coffee", _packaged("skimage", "data", "coffee.png"),
                  "a cup of coffee", "Rachel Michetti for Pikolo Espresso Bar, shipped with scikit-image", "CC0"),
        DemoPhoto("rocket", _packaged("skimage", "data", "rocket.jpg"),
                  "Falcon 9 launching DSCOVR", "SpaceX, shipped with scikit-image", "public domain"),
        DemoPhoto("astronaut", _packaged("skimage", "data", "astronaut.png"),
                  "astronaut Eileen Collins", "NASA, shipped with scikit-image", "public domain"),
    ]


def demo_photo(name: str) -> DemoPhoto:
    """One demo photo by name (see ``demo_photos``)."""
    for photo in demo_photos():
        if photo.name == name:
            return photo
    raise KeyError(f"no demo photo {name!r}; there are {[p.name for p in demo_photos()]}")
