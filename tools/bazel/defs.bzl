"""Dockyard's Bazel macros: one library, test and wheel shape for core and every module."""

load("//tools/bazel:wheel.bzl", "python_distribution")

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
    """A distribution's sdist and wheel, and their release gates.

    `name` is the directory holding the sdist and the wheel of `library`'s own `dockyard/…`
    files, built by setuptools from `pyproject.toml` (see wheel.bzl). The gates:
    `<name>_contents_test` (what the files hold), `<name>_metadata_test` (twine check and
    complete metadata), `<name>_reproducible_test` (a second build, `<name>_perturbed`, gives the same bytes),
    `<name>_static_test` (ruff and mypy --strict over the code). `<name>_examples` is the
    package's `examples/`, which the install test runs against the installed wheels.
    """
    readme = native.glob(["README.md"])
    python_distribution(
        name = name,
        library = library,
        pyproject = pyproject,
        srcs = readme,
        **kwargs
    )
    python_distribution(
        name = name + "_perturbed",
        library = library,
        pyproject = pyproject,
        srcs = readme,
        perturb = True,
        visibility = ["//visibility:private"],
        **kwargs
    )
    native.filegroup(
        name = name + "_examples",
        srcs = native.glob(["examples/**"]),
    )
    dist = "$(rootpath :%s)" % name
    native.py_test(
        name = name + "_contents_test",
        srcs = ["//tools/bazel:check_wheel.py"],
        main = "//tools/bazel:check_wheel.py",
        args = [dist, "$(rootpath %s)" % pyproject],
        data = [":" + name, pyproject],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_metadata_test",
        srcs = ["//tools/bazel:check_metadata.py"],
        main = "//tools/bazel:check_metadata.py",
        args = [dist, "$(rootpath %s)" % pyproject],
        data = [":" + name, pyproject] + readme,
        deps = ["@pip_packaging//twine", "@pip_packaging//packaging"],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_reproducible_test",
        srcs = ["//tools/bazel:check_reproducible.py"],
        main = "//tools/bazel:check_reproducible.py",
        args = [dist, "$(rootpath :%s_perturbed)" % name],
        data = [":" + name, ":%s_perturbed" % name],
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
