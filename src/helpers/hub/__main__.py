"""``python -m helpers.hub``: the command line lives in ``helpers.cli.hub``."""
import sys

from helpers.cli.hub import main

sys.exit(main())
