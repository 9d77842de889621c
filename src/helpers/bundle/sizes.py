"""What a bundle weighs: files and bytes of each part, the largest files, and a table of them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000


@dataclass(frozen=True)
class PartSize:
    """One top-level part of the bundle (a folder, or the loose files), its file count and bytes."""

    name: str
    files: int
    bytes: int


def part_sizes(folder: Path) -> list[PartSize]:
    """Files and bytes of each top-level folder of the bundle, and of the loose files together
    ("instructions and scripts"), largest first."""
    sizes: dict[str, list[int]] = {}
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(folder)
            part = relative.parts[0] if len(relative.parts) > 1 else "instructions and scripts"
            entry = sizes.setdefault(part, [0, 0])
            entry[0] += 1
            entry[1] += path.stat().st_size
    return sorted((PartSize(name, files, size) for name, (files, size) in sizes.items()),
                  key=lambda part: (-part.bytes, part.name))


def largest_files(folder: Path, count: int = 3) -> list[tuple[str, int]]:
    """The ``count`` largest files of the bundle: (path inside it, bytes), largest first."""
    files = [(path.relative_to(folder).as_posix(), path.stat().st_size)
             for path in Path(folder).rglob("*") if path.is_file()]
    return sorted(files, key=lambda item: (-item[1], item[0]))[:count]


def format_size_table(parts: list[PartSize], largest: list[tuple[str, int]] = ()) -> str:
    """A plain-text table of the parts (files, MB = 10^6 bytes, share of the total), then the largest files."""
    total = sum(part.bytes for part in parts) or 1
    width = max([len(part.name) for part in parts] + [len("total")])
    lines = [f"{'part':<{width}}  {'files':>6}  {'MB':>8}  {'share':>7}"]
    for part in parts:
        share = 100 * part.bytes / total
        lines.append(f"{part.name:<{width}}  {part.files:>6}  {part.bytes / MB:>8.2f}  {share:>5.1f} %")
    lines.append(f"{'total':<{width}}  {sum(p.files for p in parts):>6}  {total / MB:>8.2f}  {100.0:>5.1f} %")
    if largest:
        lines.append("largest files:")
        lines += [f"  {name}  {size / MB:.1f} MB  {100 * size / total:.1f} %" for name, size in largest]
    return "\n".join(lines)


def dominant_part(parts: list[PartSize], largest: list[tuple[str, int]]) -> str:
    """One sentence saying what dominates the bundle's size."""
    total = sum(part.bytes for part in parts) or 1
    top = parts[0]
    sentence = f"The {top.name} are {100 * top.bytes / total:.0f} % of the bundle"
    if largest:
        name, size = largest[0]
        sentence += f"; the largest file, {Path(name).name}, alone is {100 * size / total:.0f} %"
    return sentence + "."
