"""The module generator: what it writes, that the result passes the release gates, and
that bad input is refused with a message and nothing written.

Everything is generated into a temporary root holding an empty ``modules/`` and copies of
the files a new module is listed in (the READMEs, the docs with image tables, the image
manifest); no container is started. ruff and mypy run as ``python -m ruff``/``python -m
mypy``, with the real core on MYPYPATH (as //tools/bazel:check_static.py does for the real
modules).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

# absolute(), not resolve(): under Bazel these are runfiles, not the source tree.
HERE = Path(__file__).absolute().parent
SCRIPT = HERE / "new_module.py"
TEMPLATES = HERE / "templates"
# The checkout this file lives in; under Bazel only declared runfiles exist there.
REPO = HERE.parent.parent

#: modules/redis's shape with the name replaced by NAME, leaving out what belongs to
#: redis alone: its other tests/test_*.py files, tests/data/ and benchmarks/.
#: test_expected_shape_is_redis_shape keeps this list honest when run from a checkout.
EXPECTED_MODULE_FILES = frozenset(
    {
        "BUILD.bazel",
        "README.md",
        "pyproject.toml",
        "dockyard/NAME/__init__.py",
        "dockyard/NAME/_container.py",
        "dockyard/NAME/_pytest.py",
        "dockyard/NAME/_wait.py",
        "dockyard/NAME/py.typed",
        "examples/quickstart.py",
        "tests/conftest.py",
        "tests/test_readiness.py",
    }
)

GOOD = ["--image", "nats:2.10", "--port", "4222", "--title", "NATS"]

#: The repository's files that list modules or images; the generator edits them.
LISTINGS = (
    "README.md",
    "docs/README.md",
    "docs/contributing/contract.md",
    "docs/core/images.md",
    "docs/images.md",
    "tools/images/README.md",
    "tools/images/images.bzl",
    "tools/images/images.toml",
)


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("new_module", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("new_module", module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


new_module = _load_generator()
# The image manifest's reader and fragment generator, which new_module put on sys.path.
import fragments  # noqa: E402
import image_manifest  # noqa: E402


def run_generator(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def files_under(directory: Path) -> set[str]:
    """Relative paths of the files below ``directory``, without caches or hidden entries."""
    found = set()
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file():
            found.add(relative.as_posix())
    return found


def module_shape(module_dir: Path, name: str) -> set[str]:
    """A module's files with the name replaced, minus the module-specific extras."""
    shape = set()
    for relative in files_under(module_dir):
        if relative.startswith(("tests/data/", "benchmarks/")):
            continue
        if relative.startswith("tests/test_") and relative != "tests/test_readiness.py":
            continue
        shape.add(relative.replace(f"dockyard/{name}/", "dockyard/NAME/"))
    return shape


def expected_files(name: str) -> set[str]:
    """The files a new module adds (the listings it edits exist already)."""
    module = {
        f"modules/{name}/" + path.replace("/NAME/", f"/{name}/") for path in EXPECTED_MODULE_FILES
    }
    return module | {f"docs/modules/{name}.md", f"tools/images/{name}/Dockerfile"}


def snapshot(directory: Path) -> dict[str, str]:
    """Every file below ``directory`` with its content."""
    return {relative: (directory / relative).read_text() for relative in files_under(directory)}


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """A repository root: an empty modules/ and copies of the files that list modules."""
    repo = tmp_path / "repo"
    (repo / "modules").mkdir(parents=True)
    for relative in LISTINGS:
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text((REPO / relative).read_text())
    return repo


def _source_root(package: str, target: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        pytest.fail(f"{package} is not importable: run with it on the path ({target})")
    return Path(spec.origin).parent.parent.parent  # <root>/dockyard/<name>/__init__.py


def _core_dir() -> Path:
    return _source_root("dockyard.core", "//core")


def _plugin_dir() -> Path:
    """dockyard-pytest, which the generated _pytest.py is typed against."""
    return _source_root("dockyard.pytest", "//plugins/pytest")


# -- the files written ---------------------------------------------------------------
def test_generates_the_module_shape(root: Path) -> None:
    before = snapshot(root)
    result = run_generator(root, "nats", *GOOD)
    assert result.returncode == 0, result.stderr
    assert files_under(root) == expected_files("nats") | set(LISTINGS)
    assert module_shape(root / "modules" / "nats", "nats") == EXPECTED_MODULE_FILES
    # Nothing else: the staging directory and the files' temporary copies are gone.
    assert sorted(p.name for p in (root / "modules").iterdir()) == ["nats"]
    assert "modules/nats/dockyard/nats/_wait.py" in result.stdout
    assert "tools/images/nats/Dockerfile" in result.stdout
    assert "docs/contributing/new-module.md" in result.stdout
    after = snapshot(root)
    # Every listing names the module; the hand-written ones only gained lines.
    for relative in LISTINGS:
        assert after[relative] != before[relative], relative
        assert "nats" in after[relative], relative
    for relative in ("docs/README.md", "tools/images/images.toml"):
        assert set(before[relative].splitlines()) <= set(after[relative].splitlines())


def test_the_image_is_in_the_manifest_and_every_fragment(root: Path) -> None:
    new_module.generate("nats", "nats:2.10", 4222, title="NATS", root=root)
    images = image_manifest.load(root / "tools/images/images.toml")
    nats = images["nats"]
    assert (nats.recipe, nats.tag, nats.upstream, nats.deps) == (
        "nats",
        "dockyard.local/nats:2.10",
        "nats:2.10",
        ("base",),
    )
    assert list(images)[:-1] == list(image_manifest.load(REPO / "tools/images/images.toml"))
    assert fragments.stale(root) == []
    assert '"nats": {' in (root / "tools/images/images.bzl").read_text()
    assert "nats=dockyard.local/nats:2.10" in image_manifest.substitutions(
        root / "tools/images/images.toml"
    )
    contract = (root / "docs/contributing/contract.md").read_text()
    assert "| `dockyard.local/nats:2.10` | `nats:2.10` |" in contract


def test_the_stub_recipe_fails_until_completed(root: Path) -> None:
    new_module.generate("nats", "nats:2.10", 4222, title="NATS", root=root)
    dockerfile = (root / "tools/images/nats/Dockerfile").read_text()
    base = image_manifest.local_image("base", root / "tools/images/images.toml")
    assert f"FROM {base}\n" in dockerfile
    assert "EXPOSE 4222" in dockerfile
    assert "is the generated stub" in dockerfile and "exit 1" in dockerfile


def test_the_listings_gain_one_entry_each(root: Path) -> None:
    new_module.generate("nats", "nats:2.10", 4222, title="NATS", root=root)
    readme = (root / "README.md").read_text().splitlines()
    row = readme.index(next(line for line in readme if line.startswith("| `dockyard-nats`")))
    assert readme[row - 1].startswith("| `dockyard-compose`")  # the end of the module table
    assert "`NATSContainer`" in readme[row]
    index = (root / "docs/README.md").read_text()
    assert "- [NATS](modules/nats.md) (`dockyard-nats`)" in index
    assert (
        index.index("modules/compose.md")
        < index.index("modules/nats.md")
        < index.index("## Build and infrastructure")
    )
    assert "- **nats**: NATS for `dockyard-nats`" in (root / "tools/images/README.md").read_text()


def test_a_failure_while_writing_puts_everything_back(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(root)
    real_replace = new_module._replace
    calls = []

    def failing_replace(path: Path, content: str) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full (injected)")
        real_replace(path, content)

    monkeypatch.setattr(new_module, "_replace", failing_replace)
    with pytest.raises(OSError, match="injected"):
        new_module.generate("nats", "nats:2.10", 4222, title="NATS", root=root)
    assert snapshot(root) == before
    assert sorted(p.name for p in root.rglob("*") if p.name.startswith(".")) == []


def test_expected_shape_is_redis_shape() -> None:
    redis = REPO / "modules" / "redis"
    if not (redis / "BUILD.bazel").is_file():
        pytest.skip("modules/redis is not here (under Bazel only declared files are)")
    # Redis's own: a server given by URL and the database leases (its isolation helper).
    extras = {"dockyard/NAME/_external.py", "dockyard/NAME/_isolation.py"}
    assert module_shape(redis, "redis") - extras == EXPECTED_MODULE_FILES
    assert (REPO / "docs" / "modules" / "redis.md").is_file()


def test_pyproject_tool_sections_match_redis(root: Path) -> None:
    """Generated as "redis", the tool sections equal modules/redis's byte for byte."""
    redis = REPO / "modules" / "redis" / "pyproject.toml"
    if not redis.is_file():
        pytest.skip("modules/redis is not here (under Bazel only declared files are)")
    # This root's manifest must not have redis yet, as the repository's would not have.
    manifest = root / "tools/images/images.toml"
    manifest.write_text(re.sub(r"\n\[images\.redis\]\n[^\[]*", "\n", manifest.read_text()))
    new_module.generate("redis", "redis:7", 6379, root=root)
    generated = tomllib.loads((root / "modules/redis/pyproject.toml").read_text())
    assert generated["tool"] == tomllib.loads(redis.read_text())["tool"]


def test_pyproject_metadata(root: Path) -> None:
    new_module.generate("mongo_db", "mongo:7.0", 27017, root=root)
    project = tomllib.loads((root / "modules/mongo_db/pyproject.toml").read_text())["project"]
    assert project["name"] == "dockyard-mongo-db"
    assert project["version"] == "0.1.0"
    assert project["requires-python"] == ">=3.11"
    assert project["dependencies"] == ["dockyard-core>=0.1,<0.2"]
    tool = tomllib.loads((root / "modules/mongo_db/pyproject.toml").read_text())["tool"]
    assert tool["mypy"]["strict"] is True
    assert tool["setuptools"]["package-data"] == {"dockyard.mongo_db": ["py.typed"]}


def test_rendered_content(root: Path) -> None:
    new_module.generate("nats", "nats:2.10", "4222", title="NATS", root=root)
    module = root / "modules" / "nats"
    for relative in files_under(module):
        assert "{{" not in (module / relative).read_text(), relative
    build = (module / "BUILD.bazel").read_text()
    assert 'load("//tools/bazel:defs.bzl", "dockyard_module")' in build
    assert 'name = "nats"' in build
    container = (module / "dockyard/nats/_container.py").read_text()
    assert 'DEFAULT_IMAGE = "nats:2.10"' in container
    assert "DEFAULT_PORT = 4222" in container
    assert "class NATSContainer(ServiceContainer):" in container
    assert 'return f"{self.host()}:{self.mapped_port(self.port)}"' in container
    wait = (module / "dockyard/nats/_wait.py").read_text()
    assert "class NATSWaitStrategy(PollingWaitStrategy):" in wait
    assert "REPLACE THIS CHECK" in wait
    readme = (module / "README.md").read_text()
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings == ["## Quick start", "## Readiness", "## Helpers", "## Testing locally"]
    assert "`dockyard.local/nats:2.10`, listed in `tools/images/images.toml`" in readme
    assert "image_manifest.py substitutions" in readme
    doc = (root / "docs/modules/nats.md").read_text()
    assert "(../../modules/nats/README.md)" in doc
    assert (module / "dockyard/nats/py.typed").read_text() == ""


def test_default_title_and_class() -> None:
    assert new_module.default_title("mongo_db") == "Mongo Db"
    assert new_module.class_prefix_for("Mongo Db") == "MongoDb"
    assert new_module.class_prefix_for("MinIO") == "MinIO"
    assert new_module.class_prefix_for("apache pulsar-2") == "ApachePulsar2"


def test_templates_are_not_code() -> None:
    """No template may be taken for Python, a BUILD file or a pyproject by any tool."""
    files = [path for path in TEMPLATES.rglob("*") if path.is_file()]
    assert files
    assert all(path.name.endswith(".tmpl") for path in files), files


# -- the release gates on what was written ------------------------------------------
def test_generated_code_passes_ruff_and_mypy(root: Path, tmp_path: Path) -> None:
    # A typical module, and modules at the length limits that keep lines within 100
    # columns: name, class name, image and port; title.
    new_module.generate("nats", "nats:2.10", 4222, title="NATS", root=root)
    longest = "a" * new_module.MAX_NAME
    image = "registry.example.com:5000/" + "x" * (new_module.MAX_IMAGE - 30) + ":1.0"
    assert len(image) == new_module.MAX_IMAGE
    new_module.generate(longest, image, 65535, title="Z" * new_module.MAX_CLASS, root=root)
    title = ("Ab - " * new_module.MAX_TITLE)[: new_module.MAX_TITLE - 1] + "c"
    assert len(title) == new_module.MAX_TITLE
    new_module.generate("long_title", "x:1", 1, title=title, root=root)
    modules = [root / "modules" / name for name in ("nats", longest, "long_title")]

    for module in modules:
        for relative in files_under(module):
            if relative.endswith(".py"):
                ast.parse((module / relative).read_text(), filename=relative)

    def run(command: list[str], env: dict[str, str], cwd: Path) -> None:
        result = subprocess.run(
            [sys.executable, "-m", *command],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"

    config = str(modules[0] / "pyproject.toml")
    env = dict(os.environ)
    run(["ruff", "check", "--no-cache", "--config", config, *map(str, modules)], env, root)

    core = _core_dir()
    cache = str(tmp_path / "mypy-cache")
    mypy = ["mypy", "--config-file", config, "--cache-dir", cache, "--strict"]
    plugin = _plugin_dir()
    env["MYPYPATH"] = os.pathsep.join([str(core), str(plugin), *map(str, modules)])
    packages = [arg for m in modules for arg in ("-p", f"dockyard.{m.name}")]
    run([*mypy, *packages], env, root)
    # The tests and the example are typed too (pytest ships its own types).
    for module in modules:
        env["MYPYPATH"] = os.pathsep.join([str(core), str(plugin), str(module)])
        run([*mypy, "tests", "examples"], env, module)


# -- refusals ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["core", *GOOD], "'core' is reserved"),
        (["my-db", *GOOD], "write 'my_db'"),
        (["Nats", *GOOD], "lower-case Python identifier"),
        (["1nats", *GOOD], "lower-case Python identifier"),
        (["class", *GOOD], "Python keyword"),
        (["x" * 21, *GOOD], "longer than 20"),
        (["nats", "--image", "nats", "--port", "4222"], "has no tag"),
        (["nats", "--image", "localhost:5000/nats", "--port", "4222"], "has no tag"),
        (["nats", "--image", "nats:latest", "--port", "4222"], "'latest'"),
        (["nats", "--image", "nats@sha256:abc", "--port", "4222"], "digest"),
        (["nats", "--image", "Nats:2", "--port", "4222"], "invalid repository part"),
        (["nats", "--image", "nats:2", "--port", "0"], "from 1 to 65535"),
        (["nats", "--image", "nats:2", "--port", "65536"], "from 1 to 65535"),
        (["nats", "--image", "nats:2", "--port", "http"], "from 1 to 65535"),
        (["nats", "--image", "nats:2", "--port", "-1"], "from 1 to 65535"),
        (["nats", "--image", "nats:2", "--port", "1", "--title", "N'ATS"], "--title"),
    ],
)
def test_bad_input_writes_nothing(root: Path, args: list[str], message: str) -> None:
    before = snapshot(root)
    result = run_generator(root, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "nothing was written" in result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert snapshot(root) == before
    assert list((root / "modules").iterdir()) == []


def test_existing_module_is_refused(root: Path) -> None:
    (root / "modules" / "nats").mkdir()
    (root / "modules" / "nats" / "keep.txt").write_text("mine")
    result = run_generator(root, "nats", *GOOD)
    assert result.returncode == 2
    assert "modules/nats already exists" in result.stderr
    assert files_under(root) == {"modules/nats/keep.txt", *LISTINGS}


def test_existing_doc_page_is_refused(root: Path) -> None:
    (root / "docs" / "modules").mkdir(parents=True)
    (root / "docs" / "modules" / "nats.md").write_text("mine")
    result = run_generator(root, "nats", *GOOD)
    assert result.returncode == 2
    assert "docs/modules/nats.md already exists" in result.stderr
    assert files_under(root) == {"docs/modules/nats.md", *LISTINGS}


def test_an_existing_image_recipe_or_manifest_entry_is_refused(root: Path) -> None:
    (root / "tools" / "images" / "nats").mkdir()
    result = run_generator(root, "nats", *GOOD)
    assert result.returncode == 2
    assert "tools/images/nats already exists" in result.stderr
    result = run_generator(root, "redis", "--image", "redis:7", "--port", "6379")
    assert result.returncode == 2
    assert "already has an image 'redis'" in result.stderr
    assert list((root / "modules").iterdir()) == []


def test_a_root_without_the_image_manifest_is_refused(root: Path) -> None:
    (root / "tools" / "images" / "images.toml").unlink()
    result = run_generator(root, "nats", *GOOD)
    assert result.returncode == 2
    assert "images.toml is missing" in result.stderr


def test_a_listing_without_its_anchor_is_refused(root: Path) -> None:
    (root / "docs" / "README.md").write_text("# Docs\n\nno module index here\n")
    before = snapshot(root)
    with pytest.raises(new_module.ScaffoldError, match="'## Modules'"):
        new_module.generate("nats", "nats:2.10", 4222, root=root)
    assert snapshot(root) == before


def test_all_problems_are_reported_at_once(root: Path) -> None:
    result = run_generator(root, "core", "--image", "nats", "--port", "0")
    assert result.returncode == 2
    for message in ("reserved", "has no tag", "from 1 to 65535"):
        assert message in result.stderr


def test_root_without_modules_is_refused(tmp_path: Path) -> None:
    result = run_generator(tmp_path, "nats", *GOOD)
    assert result.returncode == 2
    assert "has no modules/ directory" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_api_raises_scaffold_error(root: Path) -> None:
    before = snapshot(root)
    with pytest.raises(new_module.ScaffoldError, match="has no tag"):
        new_module.generate("nats", "nats", 4222, root=root)
    assert snapshot(root) == before


def test_unknown_placeholder_is_a_template_error() -> None:
    with pytest.raises(new_module.ScaffoldError, match="unknown placeholder"):
        new_module.render("{{nope}}", {"name": "x"}, "broken.tmpl")
