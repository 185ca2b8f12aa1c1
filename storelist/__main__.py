"""``python -m storelist``: the same as the ``storelist`` command."""

import sys

from storelist.main import main

sys.exit(main())
