"""Nothing to import: this top-level module keeps pytest from mistaking dockyard.pytest for pytest.

For the distribution of every pytest11 plugin, pytest marks the top-level modules for
assertion rewriting. A distribution with none (dockyard.pytest lives in the `dockyard`
namespace) has its first directory stripped, so `dockyard/pytest/` would read as `pytest`
itself, and pytest would warn that "pytest" is already imported (an error under
`-W error` or `filterwarnings = error`). This module is the top-level name it marks instead.
PYTEST_DONT_REWRITE
"""
