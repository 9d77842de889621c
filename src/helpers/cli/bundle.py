"""The command line, ``python -m helpers.bundle``: options in, ``build_bundle`` called, its report printed."""
from __future__ import annotations

from pathlib import Path

from helpers.bundle.build import build_bundle
from helpers.bundle.sizes import MB, dominant_part, format_size_table
from helpers.cli import ArgumentParser, run, whole_number

DESCRIPTION = "An offline classroom bundle: everything a room without internet needs, in one folder and one archive."


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m helpers.bundle", description=DESCRIPTION)
    parser.add_argument("--out", type=Path, default=Path("build/bundle"),
                        help="the bundle's folder; the archive goes beside it as OUT.tar (default: build/bundle)")
    parser.add_argument("--platform", help="wheels for this pip platform tag, e.g. manylinux_2_28_x86_64 "
                        "(default: this machine's)")
    parser.add_argument("--python-version", help="wheels for this Python, any that pyproject.toml's "
                        "requires-python allows, e.g. 3.12 (default: this one's)")
    parser.add_argument("--images", type=whole_number(0), default=None,
                        help="ship N labelled images (TUTORIAL_DATA's, else the ImageNet sample's, downloaded), "
                        "evenly spread (default: all; 0: none)")
    parser.add_argument("--solutions", action="store_true", help="also ship solutions/ (for instructors)")
    parser.add_argument("--no-archive", action="store_true", help="only the folder, no OUT.tar")
    args = parser.parse_args(argv)

    def command() -> int:
        report = build_bundle(args.out, platform=args.platform, python_version=args.python_version,
                              images=args.images, solutions=args.solutions, archive=not args.no_archive)
        print(f"\nBundle: {report.folder}")
        if report.archive:
            print(f"Archive: {report.archive} ({report.archive.stat().st_size / MB:.1f} MB, uncompressed tar)")
        print("Weights: " + report.weights_note)
        print(format_size_table(report.parts, report.largest_files))
        print(dominant_part(report.parts, report.largest_files))
        print("Install on a learner's machine: copy the folder (or the tar), then run ./install.sh in it; "
              "INSTRUCTIONS.md says more.")
        return 0

    return run(command)


if __name__ == "__main__":
    raise SystemExit(main())
