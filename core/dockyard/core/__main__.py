"""``python -m dockyard.core`` is the ``dockyard`` command."""

import sys

from ._cli import main

sys.exit(main())
