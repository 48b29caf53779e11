"""Entry point for `python -m nncore`."""

import sys

from .cli import main

sys.exit(main())
