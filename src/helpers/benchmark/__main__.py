"""``python -m helpers.benchmark``: the command line lives in ``helpers.cli.benchmark``."""
import sys

from helpers.cli.benchmark import main

sys.exit(main())
