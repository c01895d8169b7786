#!/usr/bin/env python3
"""Builds Dockyard's offline service images, as listed in tools/images/images.toml.

    python3 tools/images/build.py [--force] [NAME ...]
    python3 tools/images/build.py --record OUT.json NAME     # what Bazel's dockyard_image runs

Without names every image of the manifest is built. An image whose `org.dockyard.recipe-hash`
label equals the hash of its recipe (the files of its recipe directory plus the hashes of the
images it depends on) is left alone, so a second run is a quick no-op. With --record the one
image named is brought up to date and described in a JSON file (tag, upstream, recipe hash,
image id). Standard library only: this runs with the system python3 on a fresh machine, next
to the docker CLI.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from image_manifest import MANIFEST, Image, ManifestError, load

HASH_LABEL = "org.dockyard.recipe-hash"
MARK_LABEL = "org.dockyard.image"
# Hidden entries (caches such as kafka/.jars) and tests are not part of a recipe.
NO_CACHE: list[str] = []
IGNORED = re.compile(r"^(\..*|__pycache__|test_.*|.*\.pyc)$")


class BuildError(Exception):
    pass


def log(msg: str) -> None:
    print(f"[images] {msg}", flush=True)


def run(
    cmd: list[str], *, quiet: bool = False, what: str | None = None, **kw
) -> subprocess.CompletedProcess:
    """Runs a command; on failure raises BuildError with its tail of output."""
    if quiet:
        proc = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw
        )
    else:
        proc = subprocess.run(cmd, **kw)
    if proc.returncode != 0:
        tail = ""
        if quiet and proc.stdout:
            tail = "\n" + "\n".join(proc.stdout.strip().splitlines()[-30:])
        raise BuildError(f"{what or ' '.join(cmd[:3])} failed (exit {proc.returncode}){tail}")
    return proc


def docker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DOCKER_BUILDKIT"] = "0"  # the classic builder never asks a registry about FROM
    return env


def image_label(ref: str, label: str) -> str | None:
    proc = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", ref],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    if proc.returncode != 0:
        return None
    labels = json.loads(proc.stdout.strip() or "null") or {}
    return labels.get(label)


def image_id(ref: str) -> str | None:
    proc = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", ref],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def image_size(ref: str) -> str:
    proc = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Size}}", ref],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        return f"{int(proc.stdout.strip()) / 1e6:.0f} MB"
    except ValueError:
        return "?"


def drop_replaced(old_id: str | None, ref: str) -> None:
    """Removes the image a rebuild replaced, if nothing else uses it (best effort)."""
    if old_id and old_id != image_id(ref):
        subprocess.run(
            ["docker", "image", "rm", old_id], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


def tree_hash(directory: Path, extra: str = "") -> str:
    h = hashlib.sha256()
    h.update(extra.encode())
    for path in sorted(recipe_files(directory)):
        rel = path.relative_to(directory).as_posix()
        h.update(b"\0" + rel.encode() + b"\0")
        h.update(b"x" if os.access(path, os.X_OK) else b"-")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def recipe_files(directory: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not IGNORED.match(d)]
        found += [Path(root, f) for f in files if not IGNORED.match(f)]
    return found


def ensure_host_tool(binary: str, package: str) -> None:
    if shutil.which(binary):
        return
    if os.geteuid() != 0:
        raise BuildError(f"{binary} is missing: install the Debian package {package}")
    log(f"installing {package} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], quiet=True, what="apt-get update", env=env)
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        quiet=True,
        what=f"apt-get install {package}",
        env=env,
    )


def debian_mirror() -> str:
    """The Debian archive this machine's apt uses (never written into a file)."""
    candidates: list[tuple[int, str]] = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in re.split(r"\n\s*\n", Path(path).read_text()):
            fields = {}
            for line in stanza.splitlines():
                m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                if m:
                    fields[m.group(1).lower()] = m.group(2).split()
            if "deb" not in fields.get("types", []) or not fields.get("uris"):
                continue
            suites = fields.get("suites", [])
            main = any("-" not in s and "/" not in s for s in suites)
            candidates.append((0 if main else 1, fields["uris"][0]))
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if not os.path.exists(path):
            continue
        for line in Path(path).read_text().splitlines():
            parts = re.sub(r"\[[^]]*\]", " ", line).split()
            if len(parts) >= 3 and parts[0] == "deb":
                candidates.append((0 if "-" not in parts[2] else 1, parts[1]))
    candidates = [c for c in candidates if not c[1].rstrip("/").endswith("-security")]
    if not candidates:
        raise BuildError("no Debian mirror found in /etc/apt/sources.list(.d)")
    return sorted(candidates, key=lambda c: c[0])[0][1]


# ---------------------------------------------------------------------------- recipes


@dataclass(frozen=True)
class Recipe:
    """A manifest entry with its recipe directory resolved."""

    image: Image
    directory: Path

    @property
    def name(self) -> str:
        return self.image.name

    @property
    def tag(self) -> str:
        return self.image.tag

    @property
    def deps(self) -> tuple[str, ...]:
        return self.image.deps

    @property
    def prepare(self) -> Callable[[Recipe, Path], None] | None:
        """Fills the temporary build context with what is fetched on the host."""
        return PREPARE_STEPS[self.image.prepare] if self.image.prepare else None


def recipe_hash(recipe: Recipe, recipes: dict[str, Recipe]) -> str:
    image = recipe.image
    if image.builder == "debootstrap":
        # The suite, variant, import changes and recipe files decide the rootfs; the mirror
        # does not.
        extra = f"suite={image.suite};variant={image.variant};{list(image.changes)!r}"
    else:
        # "base=<hash>" for the usual FROM base: unchanged since the hash was first defined.
        extra = ";".join(f"{dep}={recipe_hash(recipes[dep], recipes)}" for dep in image.deps)
    return tree_hash(recipe.directory, extra=extra)


@contextlib.contextmanager
def build_lock(tag: str) -> Iterator[None]:
    """One build of a tag at a time on this machine (Bazel actions, several checkouts)."""
    path = Path(tempfile.gettempdir()) / ("dockyard-image-" + re.sub(r"[^\w.-]", "_", tag))
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_base(recipe: Recipe, digest: str) -> None:
    ensure_host_tool("debootstrap", "debootstrap")
    mirror = debian_mirror()
    include = [
        line.strip()
        for line in (recipe.directory / "packages").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rootfs = Path(tempfile.mkdtemp(prefix="dockyard-rootfs-", dir="/var/tmp"))
    image = recipe.image
    temp_tag = f"{recipe.tag.rpartition(':')[0]}:tmp-{digest[:12]}"
    try:
        cmd = ["debootstrap", f"--variant={image.variant}"]
        if include:
            cmd.append("--include=" + ",".join(include))
        log(f"debootstrap {image.suite} (mirror from apt sources)")
        run([*cmd, image.suite, str(rootfs), mirror], quiet=True, what="debootstrap")
        customize_rootfs(recipe.directory, rootfs)
        changes = [*image.changes, f"LABEL {MARK_LABEL}=true {HASH_LABEL}={digest}"]
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE
        )
        cmd = ["docker", "import"]
        for change in changes:
            cmd += ["-c", change]
        imp = subprocess.run([*cmd, "-", temp_tag], stdin=tar.stdout, stdout=subprocess.DEVNULL)
        tar.stdout.close()
        if tar.wait() != 0 or imp.returncode != 0:
            subprocess.run(
                ["docker", "image", "rm", temp_tag],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            raise BuildError("tar | docker import of the base rootfs failed")
        old = image_id(recipe.tag)
        run(["docker", "tag", temp_tag, recipe.tag], quiet=True)
        run(["docker", "image", "rm", temp_tag], quiet=True)
        drop_replaced(old, recipe.tag)
    finally:
        remove_rootfs(rootfs)


def customize_rootfs(recipe_dir: Path, rootfs: Path) -> None:
    """Copies the base recipe's rootfs/ overlay in and trims what a container never needs."""
    overlay = recipe_dir / "rootfs"
    if overlay.is_dir():
        shutil.copytree(overlay, rootfs, dirs_exist_ok=True, symlinks=True)
    for pattern in [
        "var/lib/apt/lists/*",
        "var/cache/apt/*.bin",
        "var/cache/apt/archives/*.deb",
        "var/log/*.log",
        "var/log/apt/*",
        "usr/share/man/*",
        "usr/share/info/*",
        "usr/share/locale/*",
        "usr/share/doc/*/*",
    ]:
        for path in glob.glob(str(rootfs / pattern)):
            if os.path.basename(path) in ("copyright", "lock", "partial", "locale.alias"):
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                os.unlink(path)


def remove_rootfs(rootfs: Path) -> None:
    # A debootstrap that failed half-way can leave /proc or /sys mounted inside.
    try:
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        mounts = []
    for mount in sorted((m for m in mounts if m.startswith(str(rootfs) + "/")), reverse=True):
        subprocess.run(["umount", "-l", mount], stderr=subprocess.DEVNULL)
    if any(m.startswith(str(rootfs) + "/") for m in Path("/proc/mounts").read_text().split()):
        log(f"warning: {rootfs} still has mounts; left in place")
        return
    shutil.rmtree(rootfs, ignore_errors=True)


def build_with_dockerfile(recipe: Recipe, digest: str) -> None:
    with tempfile.TemporaryDirectory(prefix=f"dockyard-ctx-{recipe.name}-") as tmp:
        context = Path(tmp)
        for path in recipe_files(recipe.directory):
            target = context / path.relative_to(recipe.directory)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        if recipe.prepare:
            recipe.prepare(recipe, context)
        old = image_id(recipe.tag)
        cmd = [
            "docker",
            "build",
            "--rm",
            "--force-rm",
            "-t",
            recipe.tag,
            *NO_CACHE,
            "--label",
            f"{MARK_LABEL}=true",
            "--label",
            f"{HASH_LABEL}={digest}",
            str(context),
        ]
        verbose = bool(os.environ.get("DOCKYARD_IMAGES_VERBOSE"))
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=docker_env(),
            errors="replace",
        )
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if verbose:
                print(line, end="", flush=True)
        if proc.wait() != 0:
            # The classic builder only tags on success, but leaves the images of the steps
            # that worked; remove those of this build (never cached ones in use elsewhere).
            made = re.findall(r"^ ---> ([0-9a-f]{12})$", "\n".join(lines), re.M)
            for step_image in reversed(made):
                subprocess.run(
                    ["docker", "image", "rm", step_image],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            tail = "\n".join(line for line in lines[-30:] if line.strip())
            raise BuildError(
                f"docker build of {recipe.tag} failed (exit {proc.returncode})\n{tail}"
            )
        drop_replaced(old, recipe.tag)


# ---------------------------------------------------------------------------- fetched on the host


def prepare_kafka(recipe: Recipe, context: Path) -> None:
    """Resolves the Kafka jars with Maven into kafka/.jars/<pom hash>/ and copies them in."""
    spec = recipe.directory / "artifacts.txt"
    artifacts = [line.split("#")[0].strip() for line in spec.read_text().splitlines()]
    artifacts = [a for a in artifacts if a]
    pom = generate_pom(artifacts)

    def resolve(cache: Path) -> None:
        ensure_host_tool("mvn", "maven")
        (cache / "pom.xml").write_text(pom)
        log(f"resolving {len(artifacts)} Maven artifacts and their runtime dependencies")
        proc = subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(cache / "pom.xml"),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={cache / 'libs'}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if proc.returncode != 0:
            missing = sorted(
                set(re.findall(r"Could not (?:find|transfer) artifact (\S+)", proc.stdout))
            )
            tail = "\n".join(proc.stdout.strip().splitlines()[-15:])
            raise BuildError(
                f"Maven could not fetch the Kafka jars {', '.join(missing) or ''}\n{tail}"
            )

    cache = cached_fetch(
        recipe.directory / ".jars", hashlib.sha256(pom.encode()).hexdigest()[:16], resolve
    )
    libs = context / "libs"
    libs.mkdir()
    jars = sorted((cache / "libs").glob("*.jar"))
    for jar in jars:
        shutil.copy2(jar, libs / jar.name)
    log(
        f"{len(jars)} jars ({sum(j.stat().st_size for j in jars) / 1e6:.0f} MB) "
        "in the build context"
    )


def cached_fetch(root: Path, key: str, fetch: Callable[[Path], None]) -> Path:
    """``root/key``, filled by ``fetch(directory)`` unless an earlier fetch completed.

    Artifacts from the registries are fetched once per content hash: a failed fetch leaves
    nothing behind, a completed one replaces the caches of other hashes.
    """
    cache = root / key
    if (cache / ".complete").exists():
        return cache
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    try:
        fetch(cache)
    except BaseException:
        shutil.rmtree(cache, ignore_errors=True)
        raise
    (cache / ".complete").write_text("ok\n")
    for old in root.iterdir():
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    return cache


def generate_pom(artifacts: list[str]) -> str:
    deps = []
    for coordinate in artifacts:
        parts = coordinate.split(":")
        if len(parts) != 3:
            raise BuildError(
                f"kafka/artifacts.txt: expected group:artifact:version, got {coordinate!r}"
            )
        g, a, v = parts
        deps.append(
            f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
            f"<version>{v}</version></dependency>"
        )
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<project>",
            "  <modelVersion>4.0.0</modelVersion>",
            "  <groupId>local.dockyard.images</groupId>",
            "  <artifactId>kafka-libs</artifactId>",
            "  <version>1</version>",
            "  <packaging>pom</packaging>",
            "  <dependencies>",
            *deps,
            "  </dependencies>",
            "</project>",
            "",
        ]
    )


def prepare_client(recipe: Recipe, context: Path) -> None:
    """Downloads the hash-pinned wheels of client/requirements.txt and unpacks them into site/."""
    reqs = recipe.directory / "requirements.txt"

    def download(cache: Path) -> None:
        pip = host_pip()
        log("downloading the client's Python wheels")
        run(
            [
                *pip,
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--require-hashes",
                "-r",
                str(reqs),
                "-d",
                str(cache),
            ],
            quiet=True,
            what=f"pip download of {reqs.read_text().split()[0]}",
        )

    cache = cached_fetch(
        recipe.directory / ".wheels",
        hashlib.sha256(reqs.read_bytes()).hexdigest()[:16],
        download,
    )
    site = context / "site"
    site.mkdir()
    for wheel in sorted(cache.glob("*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(site)


def host_pip() -> list[str]:
    for candidate in ([sys.executable, "-m", "pip"], ["python3", "-m", "pip"]):
        if (
            subprocess.run(
                [*candidate, "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ).returncode
            == 0
        ):
            return candidate
    ensure_host_tool("pip3", "python3-pip")
    return ["/usr/bin/python3", "-m", "pip"]


PREPARE_STEPS: dict[str, Callable[[Recipe, Path], None]] = {
    "kafka-jars": prepare_kafka,
    "client-wheels": prepare_client,
}


def load_recipes(manifest: Path) -> dict[str, Recipe]:
    """The manifest's images; recipe directories are relative to the manifest's directory."""
    return {
        name: Recipe(image, manifest.parent / image.recipe)
        for name, image in load(manifest).items()
    }


def with_deps(names: list[str], recipes: dict[str, Recipe]) -> list[str]:
    """``names`` and everything they depend on, in the manifest's order."""
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending += recipes[name].deps
    return [name for name in recipes if name in wanted]


def write_record(recipe: Recipe, digest: str, path: Path) -> None:
    """What a dockyard_image target hands its tests: the image as this engine has it."""
    image = recipe.image
    record = {
        "name": image.name,
        "tag": image.tag,
        "upstream": image.upstream,
        "substitutes": image.substitutes,
        "recipe_hash": digest,
        "id": image_id(image.tag),
    }
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def engine_answers() -> bool:
    if shutil.which("docker") is None:
        log("error: the docker CLI is missing")
        return False
    if (
        subprocess.run(
            ["docker", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode
        != 0
    ):
        log("error: the Docker engine does not answer (docker info failed)")
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build Dockyard's local service images.")
    parser.add_argument("names", nargs="*", metavar="NAME", help="images to build (default: all)")
    parser.add_argument(
        "--force", action="store_true", help="rebuild even when the recipe hash matches"
    )
    parser.add_argument("--no-cache", action="store_true", help="pass --no-cache to docker build")
    parser.add_argument(
        "--keep-going", action="store_true", help="build the others after a failure"
    )
    parser.add_argument(
        "--manifest", type=Path, default=MANIFEST, help="the image manifest (default: %(default)s)"
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="OUT",
        help="write the JSON record of the one image named (for Bazel's dockyard_image)",
    )
    args = parser.parse_args(argv)
    if args.no_cache:
        NO_CACHE.append("--no-cache")
    try:
        recipes = load_recipes(args.manifest.absolute())
    except (ManifestError, OSError) as error:
        parser.error(str(error))
    unknown = [n for n in args.names if n not in recipes]
    if unknown:
        parser.error(f"unknown image {' '.join(unknown)}; known: {' '.join(recipes)}")
    if args.record and len(args.names) != 1:
        parser.error("--record describes one image: name exactly one")
    names = args.names or list(recipes)
    order = with_deps(names, recipes)
    if not engine_answers():
        return 2

    started = time.monotonic()
    failed: list[str] = []
    rows = []
    digests: dict[str, str] = {}
    for name in order:
        recipe = recipes[name]
        if any(d in failed for d in recipe.deps):
            log(f"{recipe.tag}: skipped, {'/'.join(recipe.deps)} failed")
            failed.append(name)
            continue
        digest = digests[name] = recipe_hash(recipe, recipes)
        wanted = args.force and name in names
        if not wanted and image_label(recipe.tag, HASH_LABEL) == digest:
            rows.append((recipe.tag, "up to date", "-", image_size(recipe.tag)))
            continue
        t0 = time.monotonic()
        try:
            with build_lock(recipe.tag):
                # Another process may have built it while this one waited for the lock.
                if wanted or image_label(recipe.tag, HASH_LABEL) != digest:
                    log(f"{recipe.tag}: building (recipe {digest[:12]})")
                    builder = build_base if recipe.image.builder == "debootstrap" else None
                    (builder or build_with_dockerfile)(recipe, digest)
        except BuildError as err:
            log(f"{recipe.tag}: FAILED: {err}")
            failed.append(name)
            rows.append((recipe.tag, "FAILED", f"{time.monotonic() - t0:.0f}s", "-"))
            if not args.keep_going:
                break
            continue
        seconds = time.monotonic() - t0
        log(f"{recipe.tag}: built in {seconds:.0f}s, {image_size(recipe.tag)}")
        rows.append((recipe.tag, "built", f"{seconds:.0f}s", image_size(recipe.tag)))

    if args.record:
        if failed:
            return 1
        write_record(recipes[names[0]], digests[names[0]], args.record)
        return 0
    width = max(len(r[0]) for r in rows) if rows else 10
    for tag, status, seconds, size in rows:
        print(f"  {tag:<{width}}  {status:<10}  {seconds:>5}  {size:>7}")
    log(
        f"done in {time.monotonic() - started:.1f}s"
        + (f"; failed: {' '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
