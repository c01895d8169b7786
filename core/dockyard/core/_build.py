"""Images built from a local context for a test: labelled for the session, reaped with it."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, Self

from ._errors import ConfigurationError, DockyardError, EngineError
from ._image_names import ImageName
from ._lifecycle import Lifecycle
from ._session import current_session

log = logging.getLogger("dockyard.core.images")


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
) -> str:
    """Build an image from a context directory, labelled for the session; returns its tag.

    The session's reaper is started first, so a run that is killed still removes it.
    """
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
    except EngineError as exc:
        raise ImageBuildError(f"Building {context} failed: {exc}") from exc
    session.remember_image(tag)
    return tag


class DockerImage(Lifecycle):
    """A locally built image that is removed again when the ``with`` block ends."""

    def __init__(
        self,
        path: str | Path,
        tag: str | None = None,
        *,
        docker_client: Any = None,
        **build_kwargs: Any,
    ) -> None:
        self.path = Path(path)
        self.tag = tag
        self._client = docker_client
        self._build_kwargs = build_kwargs
        self._built: str | None = None

    def build(self) -> Self:
        self._built = build_image(
            self.path, self.tag, docker_client=self._client, **self._build_kwargs
        )
        self.tag = self._built
        return self

    def remove(self) -> None:
        if self._built:
            current_session(self._client).engine.remove_image(self._built)
            self._built = None

    def __str__(self) -> str:
        return self.tag or ""

    def _bring_up(self) -> Self:
        return self.build()

    def _tear_down(self) -> None:
        self.remove()
