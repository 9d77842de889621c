"""``python -m helpers.bundle``: the command line lives in ``helpers.cli.bundle``."""
import sys

from helpers.cli.bundle import main

sys.exit(main())
