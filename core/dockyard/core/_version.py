"""The version stamped into every label; kept in step with pyproject.toml."""

__version__ = "0.1.0"
