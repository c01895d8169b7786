"""Images: name substitution, the pull policy with visible progress, and local builds."""

from __future__ import annotations

import contextlib
import logging
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import docker.errors

from ._client import DockerClient, create_client
from ._config import Config, PullPolicy, load_config
from ._errors import ConfigurationError, DockyardError, ImageNotFoundError
from ._labels import session_labels
from ._lifecycle import Lifecycle
from ._session import session_id

log = logging.getLogger("dockyard.core.images")

_HUB_PREFIXES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


@dataclass(frozen=True)
class ImageName:
    """``[registry/]repository[:tag][@digest]`` split into its parts."""

    repository: str
    tag: str | None = None
    digest: str | None = None

    @classmethod
    def parse(cls, text: str) -> ImageName:
        name = text.strip()
        if not name or any(c.isspace() for c in name):
            raise ConfigurationError(f"Image name {text!r} is not valid; use e.g. 'redis:7'.")
        name, _, digest = name.partition("@")
        slash = name.rfind("/")
        colon = name.rfind(":")
        tag = None
        if colon > slash:
            name, tag = name[:colon], name[colon + 1 :]
        return cls(name, tag or None, digest or None)

    @property
    def is_docker_hub(self) -> bool:
        first = self.repository.split("/")[0]
        has_registry = "/" in self.repository and (
            "." in first or ":" in first or first == "localhost"
        )
        return not has_registry or self.repository.startswith(_HUB_PREFIXES)

    @property
    def canonical_repository(self) -> str:
        """Hub names without their implicit parts: ``docker.io/library/redis`` → ``redis``."""
        repo = self.repository
        for prefix in _HUB_PREFIXES:
            repo = repo.removeprefix(prefix)
        return repo.removeprefix("library/") if self.is_docker_hub else repo

    @property
    def reference(self) -> str:
        """The tag or digest to pull (``latest`` when none is given)."""
        return f"@{self.digest}" if self.digest else (self.tag or "latest")

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_substitutions(text: str) -> dict[str, str]:
    """``"postgres=local/pg:15,redis:7=local/redis:7"`` → mapping of canonical keys."""
    result: dict[str, str] = {}
    for entry in text.split(","):
        entry = entry.strip()
        if not entry:
            continue
        source, sep, target = entry.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ConfigurationError(
                f"Image substitution {entry!r} must look like 'name=replacement:tag' "
                "(comma-separated pairs in DOCKYARD_IMAGE_SUBSTITUTIONS)."
            )
        parsed = ImageName.parse(source)
        key = parsed.canonical_repository + (f":{parsed.tag}" if parsed.tag else "")
        result[key] = target.strip()
    return result


def substitute_image(image: str, substitutions: str, hub_prefix: str) -> str:
    """Apply the explicit map (exact ``name:tag`` before bare ``name``), then the hub prefix."""
    parsed = ImageName.parse(image)
    mapping = parse_substitutions(substitutions)
    repo = parsed.canonical_repository
    exact = f"{repo}:{parsed.tag or 'latest'}"
    for key in (exact, repo):
        if key in mapping:
            return mapping[key]
    if hub_prefix and parsed.is_docker_hub:
        prefix = hub_prefix if hub_prefix.endswith("/") else hub_prefix + "/"
        return prefix + str(ImageName(repo, parsed.tag, parsed.digest))
    return image


def resolve_image_name(image: str, config: Config | None = None) -> str:
    config = config or load_config()
    return substitute_image(image, config.image_substitutions, config.hub_image_name_prefix)


def _image_present(client: DockerClient, image: str) -> bool:
    try:
        client.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False


def _report(message: str) -> None:
    # Pulls are slow and silent otherwise; show progress even when logging is not set up.
    if log.hasHandlers() and log.getEffectiveLevel() <= logging.INFO:
        log.info("%s", message)
    else:
        print(f"[dockyard] {message}", file=sys.stderr, flush=True)


def pull_image(client: DockerClient, image: str, requested: str | None = None) -> None:
    """Pull with one progress line per layer status change; failures → ImageNotFoundError."""
    parsed = ImageName.parse(image)
    _report(f"pulling {image}")
    last: dict[str, str] = {}
    try:
        stream = client.api.pull(
            parsed.repository, tag=parsed.reference.lstrip("@"), stream=True, decode=True
        )
        for event in stream:
            if "error" in event:
                raise ImageNotFoundError(image, f"pull failed: {event['error']}", requested)
            status = str(event.get("status", ""))
            layer = str(event.get("id", ""))
            if status and last.get(layer) != status:
                last[layer] = status
                _report(f"{image}: {layer + ': ' if layer else ''}{status}")
    except docker.errors.APIError as exc:
        raise ImageNotFoundError(
            image, f"pull failed: {exc.explanation or exc}", requested
        ) from exc
    if not _image_present(client, image):
        raise ImageNotFoundError(image, "the pull finished but the image is not present", requested)


def ensure_image(
    client: DockerClient, image: str, policy: PullPolicy, requested: str | None = None
) -> None:
    """Make the image available according to the pull policy, before anything is created."""
    present = _image_present(client, image)
    if policy is PullPolicy.NEVER:
        if not present:
            raise ImageNotFoundError(
                image, "it is not present locally and pull.policy=never", requested
            )
        return
    if present and policy is PullPolicy.MISSING:
        return
    try:
        pull_image(client, image, requested)
    except ImageNotFoundError:
        if present:  # pull.policy=always against a local-only image: keep the local copy
            log.warning("pull of %s failed; using the local image", image)
            return
        raise


class ImageBuildError(DockyardError):
    """``docker build`` failed; the message carries the builder's last output."""


def build_image(
    path: str | Path,
    tag: str | None = None,
    *,
    dockerfile: str | None = None,
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    docker_client: DockerClient | None = None,
) -> str:
    """Build an image from a context directory, labelled for the session; returns its tag."""
    context = Path(path)
    if not context.is_dir():
        raise ConfigurationError(f"Build context {context} is not a directory.")
    client = docker_client or create_client()
    tag = tag or f"dockyard.local/build-{uuid.uuid4().hex[:12]}:latest"
    ImageName.parse(tag)
    all_labels = {**session_labels(session_id()), **(labels or {})}
    output: list[str] = []
    try:
        for event in client.api.build(
            path=str(context),
            tag=tag,
            dockerfile=dockerfile,
            buildargs=buildargs or {},
            labels=all_labels,
            rm=True,
            forcerm=True,
            decode=True,
        ):
            if "error" in event:
                tail = "".join(output[-20:])
                raise ImageBuildError(
                    f"Building {context} failed: {event['error']}\n{tail}\n"
                    "Fix the Dockerfile or the build context and retry."
                )
            text = str(event.get("stream", ""))
            if text.strip():
                output.append(text)
                log.info("build %s: %s", tag, text.rstrip())
    except docker.errors.APIError as exc:
        raise ImageBuildError(f"Building {context} failed: {exc}") from exc
    return tag


class DockerImage(Lifecycle):
    """A locally built image that is removed again when the ``with`` block ends."""

    def __init__(
        self,
        path: str | Path,
        tag: str | None = None,
        *,
        docker_client: DockerClient | None = None,
        **build_kwargs: Any,
    ) -> None:
        self.path = Path(path)
        self.tag = tag
        self._client = docker_client
        self._build_kwargs = build_kwargs
        self._built: str | None = None

    def build(self) -> Self:
        self._client = self._client or create_client()
        self._built = build_image(
            self.path, self.tag, docker_client=self._client, **self._build_kwargs
        )
        self.tag = self._built
        return self

    def remove(self) -> None:
        if self._built and self._client is not None:
            with contextlib.suppress(docker.errors.NotFound):
                self._client.images.remove(self._built, force=True)
            self._built = None

    def __str__(self) -> str:
        return self.tag or ""

    def _bring_up(self) -> Self:
        return self.build()

    def _tear_down(self) -> None:
        self.remove()
