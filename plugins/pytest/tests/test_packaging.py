"""What pytest makes of the installed distribution: the plugin, and nothing it mistakes for
pytest (see _dockyard_pytest.py)."""

from __future__ import annotations

from pathlib import Path

from _pytest.config import _iter_rewritable_modules

ROOT = Path(__file__).resolve().parent.parent


def test_pytests_rewrite_scan_marks_only_our_top_level_module() -> None:
    files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "dockyard").rglob("*.py")]
    files += [p.name for p in ROOT.glob("*.py")]
    files += ["dockyard_pytest-0.1.0.dist-info/METADATA", "dockyard_pytest-0.1.0.dist-info/RECORD"]
    assert "dockyard/pytest/__init__.py" in files
    assert set(_iter_rewritable_modules(files)) == {"_dockyard_pytest"}
    # Without it, pytest would take the namespace's second level for a module of its own:
    assert set(_iter_rewritable_modules(f for f in files if "/" in f)) == {"pytest"}
