"""``python -m tutorial_lib ...``: the authoring and checking command line."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
