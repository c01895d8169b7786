#!/usr/bin/env python3
"""Builds Dockyard's offline service images (dockyard.local/...).

    python3 tools/images/build.py [--force] [base postgres redis kafka client ryuk]

Without names every image is built. An image whose `org.dockyard.recipe-hash` label
equals the hash of its recipe (the files of tools/images/<name>/ plus the base image's
hash) is left alone, so a second run is a quick no-op. Standard library only: this runs
with the system python3 on a fresh machine, next to the docker CLI.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HASH_LABEL = "org.dockyard.recipe-hash"
MARK_LABEL = "org.dockyard.image"
SUITE = "bookworm"
BASE_TAG = "dockyard.local/base:bookworm"
# `docker import --change` lines of the base image (part of its hash).
BASE_CHANGES = ["ENV LANG=C.UTF-8", 'CMD ["bash"]']
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


@dataclass
class Recipe:
    name: str
    tag: str
    # Fills the temporary build context with what is fetched on the host (jars, wheels).
    prepare: Callable[[Path], None] | None = None
    deps: list[str] = field(default_factory=lambda: ["base"])

    @property
    def directory(self) -> Path:
        return HERE / self.name


def base_hash() -> str:
    # The suite and the base recipe files decide the rootfs; the mirror does not.
    return tree_hash(HERE / "base", extra=f"suite={SUITE};variant=minbase;{BASE_CHANGES!r}")


def recipe_hash(recipe: Recipe) -> str:
    if recipe.name == "base":
        return base_hash()
    return tree_hash(recipe.directory, extra=f"base={base_hash()}")


def build_base(recipe: Recipe, digest: str) -> None:
    ensure_host_tool("debootstrap", "debootstrap")
    mirror = debian_mirror()
    include = [
        line.strip()
        for line in (recipe.directory / "packages").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rootfs = Path(tempfile.mkdtemp(prefix="dockyard-rootfs-", dir="/var/tmp"))
    temp_tag = f"dockyard.local/base:tmp-{digest[:12]}"
    try:
        cmd = ["debootstrap", "--variant=minbase"]
        if include:
            cmd.append("--include=" + ",".join(include))
        log(f"debootstrap {SUITE} (mirror from apt sources)")
        run([*cmd, SUITE, str(rootfs), mirror], quiet=True, what="debootstrap")
        customize_rootfs(recipe.directory, rootfs)
        changes = [*BASE_CHANGES, f"LABEL {MARK_LABEL}=true {HASH_LABEL}={digest}"]
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
            recipe.prepare(context)
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


def prepare_kafka(context: Path) -> None:
    """Resolves the Kafka jars with Maven into kafka/.jars/<pom hash>/ and copies them in."""
    spec = HERE / "kafka" / "artifacts.txt"
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
        HERE / "kafka" / ".jars", hashlib.sha256(pom.encode()).hexdigest()[:16], resolve
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


def prepare_client(context: Path) -> None:
    """Downloads the hash-pinned wheels of client/requirements.txt and unpacks them into site/."""
    reqs = HERE / "client" / "requirements.txt"

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
        HERE / "client" / ".wheels", hashlib.sha256(reqs.read_bytes()).hexdigest()[:16], download
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


RECIPES = {
    r.name: r
    for r in [
        Recipe("base", BASE_TAG, deps=[]),
        Recipe("postgres", "dockyard.local/postgres:15"),
        Recipe("redis", "dockyard.local/redis:7"),
        Recipe("kafka", "dockyard.local/kafka:4.1.1", prepare=prepare_kafka),
        Recipe("client", "dockyard.local/client:1", prepare=prepare_client),
        Recipe("ryuk", "dockyard.local/ryuk:0.11.0"),
    ]
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build Dockyard's local service images.")
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"images to build: {' '.join(RECIPES)}"
    )
    parser.add_argument(
        "--force", action="store_true", help="rebuild even when the recipe hash matches"
    )
    parser.add_argument("--no-cache", action="store_true", help="pass --no-cache to docker build")
    parser.add_argument(
        "--keep-going", action="store_true", help="build the others after a failure"
    )
    args = parser.parse_args(argv)
    if args.no_cache:
        NO_CACHE.append("--no-cache")
    unknown = [n for n in args.names if n not in RECIPES]
    if unknown:
        parser.error(f"unknown image {' '.join(unknown)}; known: {' '.join(RECIPES)}")
    names = args.names or list(RECIPES)
    # Anything named needs the base; keep the declared order.
    wanted = {d for n in names for d in RECIPES[n].deps} | set(names)
    order = [n for n in RECIPES if n in wanted]

    if shutil.which("docker") is None:
        log("error: the docker CLI is missing")
        return 2
    if (
        subprocess.run(
            ["docker", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode
        != 0
    ):
        log("error: the Docker engine does not answer (docker info failed)")
        return 2

    started = time.monotonic()
    failed: list[str] = []
    rows = []
    for name in order:
        recipe = RECIPES[name]
        if any(d in failed for d in recipe.deps):
            log(f"{recipe.tag}: skipped, {'/'.join(recipe.deps)} failed")
            failed.append(name)
            continue
        digest = recipe_hash(recipe)
        if not (args.force and name in names) and image_label(recipe.tag, HASH_LABEL) == digest:
            rows.append((recipe.tag, "up to date", "-", image_size(recipe.tag)))
            continue
        log(f"{recipe.tag}: building (recipe {digest[:12]})")
        t0 = time.monotonic()
        try:
            (build_base if name == "base" else build_with_dockerfile)(recipe, digest)
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
