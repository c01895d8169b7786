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

def dockyard_module(name, deps = [], data = [], test_deps = []):
    """Every module's BUILD file in one call, so each has the identical shape.

    - `:<name>`: the library of `dockyard/<name>/`, on top of `//core` and `deps`;
    - one test target per `tests/test_*.py` (with `tests/conftest.py` and `tests/data/`),
      talking to the Docker engine;
    - `:wheel` with its contents and static checks (see dockyard_wheel);
    - each `examples/*.py` run as a test, so the documented usage keeps working;
    - each `benchmarks/*.py` as a manual binary: `bazel run //modules/<name>:bench_…`.
    """
    library = ":" + name
    dockyard_library(
        name = name,
        srcs = native.glob(["dockyard/%s/**/*.py" % name]),
        data = ["dockyard/%s/py.typed" % name] + data,
        deps = ["//core"] + deps,
    )
    conftest = native.glob(["tests/conftest.py"])
    for src in native.glob(["tests/test_*.py"]):
        dockyard_test(
            name = src[len("tests/"):-len(".py")],
            srcs = [src] + conftest,
            data = native.glob(["tests/data/**"]),
            deps = [library] + test_deps,
        )
    dockyard_wheel(name = "wheel", library = library, pyproject = "pyproject.toml")
    for src in native.glob(["examples/*.py"]):
        native.py_test(
            name = "example_" + src[len("examples/"):-len(".py")],
            srcs = [src],
            main = src,
            data = native.glob(["examples/*"], exclude = ["examples/*.py"]),
            deps = [library],
            python_version = "PY3",
            srcs_version = "PY3",
            size = "large",
            tags = _DOCKER_TAGS,
        )
    for src in native.glob(["benchmarks/*.py"]):
        native.py_binary(
            name = src[len("benchmarks/"):-len(".py")],
            srcs = [src],
            main = src,
            deps = [library],
            python_version = "PY3",
            srcs_version = "PY3",
            tags = ["manual"],
        )
