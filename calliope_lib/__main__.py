"""``python -m calliope_lib`` is the same as the ``calliope-mini`` command."""

import sys

from calliope_lib.cli import main

sys.exit(main())
