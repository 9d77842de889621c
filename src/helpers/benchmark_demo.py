"""The old name of ``python -m helpers.benchmark.demo`` (Open Model Zoo's classification benchmark demo), kept so
``python -m helpers.benchmark_demo`` runs it still; the code and its names are in ``helpers.benchmark.demo``."""

if __name__ == "__main__":
    import sys

    from helpers.benchmark.demo import main

    sys.exit(main())
