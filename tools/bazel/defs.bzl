"""Dockyard's Bazel macros: one library, test and wheel shape for core, every module, and any
workspace that loads them from @dockyard (set up with deps.bzl's dockyard_dependencies()).

Every label of Dockyard's own goes through Label(), so it means the same from any workspace;
third-party packages come from the workspace's own pip hub (`requirement`); every Python test
and binary is made with `legacy_create_init = 0`, so `dockyard` stays a PEP 420 namespace
without a workspace-wide flag.
"""

load("@dockyard_config//:config.bzl", "DOCKYARD_CONFIG")
load("//tools/bazel:wheel.bzl", "python_distribution")
load("//tools/images:images.bzl", "IMAGES")

_DOCKER_TAGS = ["requires-docker", "requires-network"]
_PYTEST_MAIN = Label("//tools/bazel:pytest_main.py")
_RUN_SCRIPT = Label("//tools/bazel:run_script.py")
_IMAGE_ENV = Label("//tools/bazel:image_env.py")

def requirement(distribution):
    """The label of `distribution` in the workspace's pip hub (dockyard_dependencies)."""
    name = distribution.lower().replace("-", "_").replace(".", "_")
    return DOCKYARD_CONFIG["requirement"].format(name)

def image_label(image):
    """A manifest image name ("postgres") as its Dockyard target; a label passes through."""
    if ":" in image or "/" in image:
        return image
    if image not in IMAGES:
        fail("unknown image %r: Dockyard's images are %s; for your own, pass the label of a dockyard_image target" % (
            image,
            ", ".join(IMAGES.keys()),
        ))
    return Label("//tools/images:" + image)

def _with_images(images, docker, data, env):
    """data and env that hand the listed images' records to the test launcher."""
    wanted = images + (DOCKYARD_CONFIG["test_images"] if docker else [])
    labels = []
    for image in wanted:
        label = image_label(image)
        if str(label) not in [str(known) for known in labels]:
            labels.append(label)
    env = dict(env)
    if "DOCKYARD_PYTEST_DISCOVERY" not in env:
        # Sources on sys.path have no entry-point metadata: dockyard-pytest finds the module
        # plugins (dockyard/<name>/_pytest.py) among the target's deps instead.
        env["DOCKYARD_PYTEST_DISCOVERY"] = "namespace"
    if labels:
        env["DOCKYARD_IMAGE_RECORDS"] = " ".join(["$(rootpath %s)" % label for label in labels])
    if docker and DOCKYARD_CONFIG["shared_services"] and "DOCKYARD_SHARING" not in env:
        # Module services shared across targets; fixed values, so cache keys stay. The grace
        # outlasts the gap between two targets that Bazel's scheduling (and sandbox set-up
        # on a loaded machine) leaves, so one server serves the whole invocation.
        env["DOCKYARD_SHARING"] = "services"
        env.setdefault("DOCKYARD_SHARING_GRACE", "60")
    return data + labels, env

def image_data_and_env(images, docker, data, env):
    """data and env that give a test the listed images (for test macros of other packages)."""
    return _with_images(images, docker, data, env)

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

def dockyard_test(name, srcs, deps = [], data = [], images = [], docker = True, size = None, tags = [], env = {}, **kwargs):
    """Runs pytest over the test_*.py files among `srcs`.

    Junit XML goes to $XML_OUTPUT_FILE and `--test_filter` becomes pytest's `-k`. A test that
    talks to the Docker engine is tagged requires-docker/requires-network and sized large.
    `images` lists the images the test starts, by Dockyard manifest name ("postgres") or
    dockyard_image label: the test receives their substitutions and re-runs when one changes
    (`test_images` of dockyard_dependencies are added to every Docker test).
    """
    package = native.package_name()
    test_files = [
        (package + "/" + src) if package else src
        for src in srcs
        if src.split("/")[-1].startswith("test_")
    ]
    if not test_files:
        fail("dockyard_test %s: srcs holds no test_*.py file" % name)
    data, env = _with_images(images, docker, data, env)
    native.py_test(
        name = name,
        srcs = srcs + [_PYTEST_MAIN, _IMAGE_ENV],
        main = _PYTEST_MAIN,
        args = test_files,
        deps = deps + [requirement("pytest")],
        data = data,
        env = env,
        legacy_create_init = 0,
        python_version = "PY3",
        srcs_version = "PY3",
        size = size or ("large" if docker else "small"),
        tags = tags + (_DOCKER_TAGS if docker else []),
        **kwargs
    )

def dockyard_script_test(name, script, srcs = [], deps = [], data = [], images = [], docker = True, size = None, tags = [], env = {}, **kwargs):
    """Runs one Python program (`script`, e.g. an example) as a test, with its images.

    The program runs as `__main__`; it fails the test by raising or exiting non-zero.
    """
    data, env = _with_images(images, docker, data, env)
    native.py_test(
        name = name,
        srcs = [script] + srcs + [_RUN_SCRIPT, _IMAGE_ENV],
        main = _RUN_SCRIPT,
        args = ["$(rootpath %s)" % script],
        deps = deps,
        data = data,
        env = env,
        legacy_create_init = 0,
        python_version = "PY3",
        srcs_version = "PY3",
        size = size or ("large" if docker else "small"),
        tags = tags + (_DOCKER_TAGS if docker else []),
        **kwargs
    )

def dockyard_wheel(name, library, pyproject, static_deps = [], static_roots = [], **kwargs):
    """A distribution's sdist and wheel, and their release gates.

    `name` is the directory holding the sdist and the wheel of `library`'s own `dockyard/…`
    files, built by setuptools from `pyproject.toml` (see wheel.bzl). The gates:
    `<name>_contents_test` (what the files hold), `<name>_metadata_test` (twine check and
    complete metadata), `<name>_reproducible_test` (a second build, `<name>_perturbed`, gives the same bytes),
    `<name>_static_test` (ruff and mypy --strict over the code). `<name>_examples` is the
    package's `examples/`, which the install test runs against the installed wheels.
    `static_deps` and the source roots `static_roots` (e.g. "plugins/pytest") are what the
    code imports besides core, for the static check.
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
        srcs = [Label("//tools/bazel:check_wheel.py")],
        main = Label("//tools/bazel:check_wheel.py"),
        args = [dist, "$(rootpath %s)" % pyproject],
        data = [":" + name, pyproject],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_metadata_test",
        srcs = [Label("//tools/bazel:check_metadata.py")],
        main = Label("//tools/bazel:check_metadata.py"),
        args = [dist, "$(rootpath %s)" % pyproject],
        data = [":" + name, pyproject] + readme,
        deps = ["@pip_packaging//twine", "@pip_packaging//packaging"],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_reproducible_test",
        srcs = [Label("//tools/bazel:check_reproducible.py")],
        main = Label("//tools/bazel:check_reproducible.py"),
        args = [dist, "$(rootpath :%s_perturbed)" % name],
        data = [":" + name, ":%s_perturbed" % name],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "small",
    )
    native.py_test(
        name = name + "_static_test",
        srcs = [Label("//tools/bazel:check_static.py")],
        main = Label("//tools/bazel:check_static.py"),
        args = [native.package_name(), "$(rootpath %s)" % pyproject] + static_roots,
        data = [pyproject],
        # Modules type-check against the real core; core is its own library.
        deps = [library] + ([] if native.package_name() == "core" else [Label("//core")]) + static_deps + [requirement("mypy"), requirement("ruff")],
        python_version = "PY3",
        srcs_version = "PY3",
        size = "medium",
    )

_PYTEST_PLUGIN = Label("//plugins/pytest")
_PYTEST_PLUGIN_ROOT = "plugins/pytest"

def dockyard_module(name, deps = [], data = [], test_deps = [], images = [], example_deps = []):
    """Every module's BUILD file in one call, so each has the identical shape.

    - `:<name>`: the library of `dockyard/<name>/`, on top of `//core` and `deps`;
    - one test target per `tests/test_*.py` (with `tests/conftest.py` and `tests/data/`),
      talking to the Docker engine and listing `images` (by default the module's own image
      from tools/images/images.toml, when there is one);
    - `:wheel` with its contents and static checks (see dockyard_wheel);
    - each `examples/*.py` run as a test, so the documented usage keeps working;
    - each `benchmarks/*.py` as a manual binary: `bazel run //modules/<name>:bench_…`
      (examples and benchmarks get `example_deps` besides the library).

    A module's pytest plugin (`dockyard/<name>/_pytest.py`, found by dockyard-pytest) is
    part of the library; its static check sees dockyard-pytest and pytest.
    """
    library = ":" + name
    images = images or ([name] if name in IMAGES else [])
    # Top-level modules besides dockyard/ (pyproject's py-modules; dockyard-pytest has one).
    top_level = native.glob(["*.py"])
    dockyard_library(
        name = name,
        srcs = native.glob(["dockyard/%s/**/*.py" % name]) + top_level,
        data = ["dockyard/%s/py.typed" % name] + data,
        deps = [Label("//core")] + deps,
    )
    conftest = native.glob(["tests/conftest.py"])
    for src in native.glob(["tests/test_*.py"]):
        dockyard_test(
            name = src[len("tests/"):-len(".py")],
            srcs = [src] + conftest,
            data = native.glob(["tests/data/**"]),
            deps = [library, Label("//tools/images:image_manifest")] + test_deps,
            images = images,
        )
    has_plugin = bool(native.glob(["dockyard/%s/_pytest.py" % name])) and name != "pytest"
    dockyard_wheel(
        name = "wheel",
        library = library,
        pyproject = "pyproject.toml",
        top_level = top_level,
        static_deps = [_PYTEST_PLUGIN, requirement("pytest")] if has_plugin else [],
        static_roots = [_PYTEST_PLUGIN_ROOT] if has_plugin else [],
    )
    for src in native.glob(["examples/*.py"]):
        dockyard_script_test(
            name = "example_" + src[len("examples/"):-len(".py")],
            script = src,
            data = native.glob(["examples/*"], exclude = ["examples/*.py"]),
            deps = [library] + example_deps,
            images = images,
        )
    for src in native.glob(["benchmarks/*.py"]):
        native.py_binary(
            name = src[len("benchmarks/"):-len(".py")],
            srcs = [src],
            main = src,
            data = native.glob(["benchmarks/data/**", "tests/data/**"]),
            deps = [library] + example_deps,
            legacy_create_init = 0,
            python_version = "PY3",
            srcs_version = "PY3",
            tags = ["manual"],
        )
