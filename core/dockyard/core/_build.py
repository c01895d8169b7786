"""Images built from a local context for a test: labelled for the session, reaped with it."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, Self

from ._compat_client import DockerClient
from ._engine import make_client, validate_build_options
from ._errors import ConfigurationError, ContainerNotStartedError, DockyardError, EngineError
from ._image_names import ImageName
from ._lifecycle import Lifecycle
from ._session import current_session

logger = logging.getLogger("dockyard.core.images")


class ImageBuildError(DockyardError):
    """``docker build`` failed; the message carries the builder's last output."""


def build_image(
    path: str | Path,
    tag: str | None = None,
    *,
    dockerfile: str | None = None,
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    docker_client: Any = None,
    log: list[dict[str, Any]] | None = None,
    **options: Any,
) -> str:
    """Build an image from a context directory, labelled for the session; returns its tag.

    The session's reaper is started first, so a run that is killed still removes it.
    ``options`` go to docker-py's build (``nocache``, ``target``, ...); ``log`` collects the
    builder's messages.
    """
    validate_build_options(options)
    context = Path(path)
    if not context.is_dir():
        raise ConfigurationError(f"Build context {context} is not a directory.")
    tag = tag or f"dockyard.local/build-{uuid.uuid4().hex[:12]}:latest"
    ImageName.parse(tag)
    session = current_session(docker_client)
    session.ensure_reaper()
    all_labels = {**session.labels(), **(labels or {})}
    output: list[str] = []
    try:
        for event in session.engine.build_image(
            path=str(context),
            tag=tag,
            dockerfile=dockerfile,
            buildargs=buildargs or {},
            labels=all_labels,
            rm=True,
            forcerm=True,
            **options,
        ):
            if log is not None:
                log.append(dict(event))
            if "error" in event:
                tail = "".join(output[-20:])
                raise ImageBuildError(
                    f"Building {context} failed: {event['error']}\n{tail}\n"
                    "Fix the Dockerfile or the build context and retry."
                )
            text = str(event.get("stream", ""))
            if text.strip():
                output.append(text)
                logger.info("build %s: %s", tag, text.rstrip())
    except EngineError as exc:
        raise ImageBuildError(f"Building {context} failed: {exc}") from exc
    session.remember_image(tag)
    return tag


class DockerImage(Lifecycle):
    """An image built from a local context, removed again when the ``with`` block ends.

    testcontainers-python's signature: ``DockerImage(path, docker_client_kw=None, tag=None,
    clean_up=True, dockerfile_path="Dockerfile", no_cache=False, **kwargs)``, the ``kwargs``
    going to docker-py's build (an unknown one is a ConfigurationError here and now).
    """

    def __init__(
        self,
        path: str | Path,
        docker_client_kw: dict[str, Any] | str | None = None,
        tag: str | None = None,
        clean_up: bool = True,
        dockerfile_path: str | Path = "Dockerfile",
        no_cache: bool = False,
        *,
        docker_client: Any = None,
        **build_kwargs: Any,
    ) -> None:
        if isinstance(docker_client_kw, str):  # DockerImage(path, "tag") means the tag
            tag, docker_client_kw = docker_client_kw, None
        validate_build_options(build_kwargs)
        if tag is not None:
            ImageName.parse(tag)
        self.path = Path(path)
        self.tag = tag
        self.clean_up = clean_up
        self.dockerfile_path = str(dockerfile_path)
        self.no_cache = no_cache
        if docker_client is None and docker_client_kw:
            docker_client = make_client(**docker_client_kw)
        self._client = docker_client
        self._build_kwargs = build_kwargs
        self._built: str | None = None
        self._log: list[dict[str, Any]] = []
        self._image_id: str | None = None

    def build(self) -> Self:
        self._log.clear()
        self._built = build_image(
            self.path,
            self.tag,
            dockerfile=self.dockerfile_path,
            docker_client=self._client,
            log=self._log,
            nocache=self.no_cache,
            **self._build_kwargs,
        )
        self.tag = self._built
        self._image_id = str(current_session(self._client).engine.inspect_image(self._built)["Id"])
        return self

    @property
    def short_id(self) -> str:
        """The image id's first 12 hex digits (without ``sha256:``)."""
        if self._image_id is None:
            raise ContainerNotStartedError("The image is not built yet; call build() first.")
        return self._image_id.removeprefix("sha256:")[:12]

    def get_logs(self) -> list[dict[str, Any]]:
        """The builder's messages of the last build (each once, as upstream)."""
        log, self._log = self._log, []
        return log

    def get_wrapped_image(self) -> Any:
        if self._built is None:
            raise ContainerNotStartedError("The image is not built yet; call build() first.")
        return current_session(self._client).engine.docker_client.images.get(self._built)

    def get_docker_client(self) -> DockerClient:
        return DockerClient.of(current_session(self._client))

    def remove(self, force: bool = True, noprune: bool = False) -> None:
        if self._built and self.clean_up:
            current_session(self._client).engine.remove_image(self._built)
            self._built = None

    def __str__(self) -> str:
        return self.tag or (self.short_id if self._image_id else "")

    def _bring_up(self) -> Self:
        return self.build()

    def _tear_down(self) -> None:
        self.remove()
