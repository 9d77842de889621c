"""``python -m helpers.bundle``: see ``helpers.bundle`` (what a bundle holds) and ``--help`` (the options)."""
import sys

from helpers.bundle._cli import main

sys.exit(main())
