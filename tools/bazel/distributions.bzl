"""Every distribution this repository releases: the Bazel package of each `dockyard_wheel`.

The install test and the lock checks read this list; a new module belongs here (the
`tools/dev dist` command finds the wheels by itself).
"""

DISTRIBUTIONS = [
    "//core",
    "//modules/compose",
    "//modules/kafka",
    "//modules/postgres",
    "//modules/redis",
    "//plugins/pytest",
]
