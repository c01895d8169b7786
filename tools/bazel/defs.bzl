"""Dockyard's Bazel macros: one library, test and wheel shape for core and every module."""

load("//tools/bazel:wheel.bzl", "python_wheel")

_DOCKER_TAGS = ["requires-docker", "requires-network"]

def dockyard_library(name, srcs, deps = [], data = [], **kwargs):
    """A py_library rooted at its Bazel package, so `dockyard/<name>/…` imports as a namespace."""
    native.py_library(
        name = name,
        srcs = srcs,
        deps = deps,
        data = data,
        imports = ["."],
        srcs_version = "PY3",
        **kwargs
    )

def dockyard_test(name, srcs, deps = [], data = [], docker = True, size = None, tags = [], **kwargs):
    """Runs pytest over the test_*.py files among `srcs`.

    Junit XML goes to $XML_OUTPUT_FILE and `--test_filter` becomes pytest's `-k`. A test that
    talks to the Docker engine is tagged requires-docker/requires-network and sized large.
    """
    package = native.package_name()
    test_files = [
        (package + "/" + src) if package else src
        for src in srcs
        if src.split("/")[-1].startswith("test_")
    ]
    if not test_files:
        fail("dockyard_test %s: srcs holds no test_*.py file" % name)
    native.py_test(
        name = name,
        srcs = srcs + ["//tools/bazel:pytest_main.py"],
        main = "//tools/bazel:pytest_main.py",
        args = test_files,
        deps = deps + ["@pip//pytest"],
        data = data,
        python_version = "PY3",
        srcs_version = "PY3",
        size = size or ("large" if docker else "small"),
        tags = tags + (_DOCKER_TAGS if docker else []),
        **kwargs
    )

def dockyard_wheel(name, library, pyproject, **kwargs):
    """A distribution's wheel and its release gates.

    `name` is a wheel of `library`'s own `dockyard/…` files; `<name>_contents_test` checks
    what the wheel holds, `<name>_static_test` runs ruff and mypy --strict over the code.
    """
    python_wheel(
        name = name,
        library = library,
        pyproject = pyproject,
        **kwargs
    )
    native.py_test(
        name = name + "_contents_test",
        srcs = ["//tools/bazel:check_wheel.py"],
        main = "//tools/bazel:check_wheel.py",
        args = ["$(rootpath :%s)" % name, "$(rootpath %s)" % pyproject],
        data = [":" + name, pyproject],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_static_test",
        srcs = ["//tools/bazel:check_static.py"],
        main = "//tools/bazel:check_static.py",
        args = [native.package_name(), "$(rootpath %s)" % pyproject],
        data = [pyproject],
        # Modules type-check against the real core; core is its own library.
        deps = [library] + ([] if native.package_name() == "core" else ["//core"]) + ["@pip//mypy", "@pip//ruff"],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "medium",
    )
