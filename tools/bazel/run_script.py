"""Bazel's entry point for dockyard_script_test: runs one Python program as the test.

The program (an example, the demo) runs as ``__main__`` with the images the target lists in
its environment (image_env.py); a non-zero exit or an exception fails the test.
"""

from __future__ import annotations

import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from image_env import ImageRecordError, apply_to_process


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: run_script.py PROGRAM.py [ARG ...]", file=sys.stderr)
        return 2
    try:
        apply_to_process()
    except ImageRecordError as error:
        print(f"dockyard_script_test: {error}", file=sys.stderr)
        return 1
    program = os.path.abspath(argv[0])
    sys.argv = [program, *argv[1:]]
    # The program sees its own directory first on sys.path, as when run by hand.
    sys.path.insert(0, os.path.dirname(program))
    runpy.run_path(program, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
