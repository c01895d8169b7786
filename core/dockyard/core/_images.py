"""Images: name substitution and the pull policy, with visible pull progress."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from ._config import Config, PullPolicy, load_config
from ._errors import EngineError, ImageNotFoundError
from ._image_names import ImageName, substitute_image

if TYPE_CHECKING:
    from ._session import Session

log = logging.getLogger("dockyard.core.images")


def resolve_image_name(image: str, config: Config | None = None) -> str:
    config = config or load_config()
    return substitute_image(image, config.image_substitutions, config.hub_image_name_prefix)


def _report(message: str) -> None:
    # Pulls are slow and silent otherwise; show progress even when logging is not set up.
    if log.hasHandlers() and log.getEffectiveLevel() <= logging.INFO:
        log.info("%s", message)
    else:
        print(f"[dockyard] {message}", file=sys.stderr, flush=True)


def pull_image(session: Session, image: str, requested: str | None = None) -> None:
    """Pull with one progress line per layer status change; failures → ImageNotFoundError."""
    parsed = ImageName.parse(image)
    _report(f"pulling {image}")
    last: dict[str, str] = {}
    try:
        for event in session.engine.pull_image(parsed.repository, parsed.reference.lstrip("@")):
            if "error" in event:
                raise ImageNotFoundError(image, f"pull failed: {event['error']}", requested)
            status = str(event.get("status", ""))
            layer = str(event.get("id", ""))
            if status and last.get(layer) != status:
                last[layer] = status
                _report(f"{image}: {layer + ': ' if layer else ''}{status}")
    except EngineError as exc:
        raise ImageNotFoundError(
            image, f"pull failed: {exc.explanation or exc}", requested
        ) from exc
    if not session.engine.image_present(image):
        raise ImageNotFoundError(image, "the pull finished but the image is not present", requested)
    session.remember_image(image)


def ensure_image(
    session: Session, image: str, policy: PullPolicy, requested: str | None = None
) -> None:
    """Make the image available according to the pull policy, before anything is created.

    An image seen present once is not asked about again in the session (under the
    ``missing`` and ``never`` policies): a create that still finds it gone pulls then.
    """
    if policy is not PullPolicy.ALWAYS and session.image_known(image):
        return
    present = session.engine.image_present(image)
    if policy is PullPolicy.NEVER:
        if not present:
            raise ImageNotFoundError(
                image,
                "it is not present locally and pull.policy=never",
                requested,
                hint="Build or load it first (`docker build -t`, `docker load`), map the name "
                "to an image you have with DOCKYARD_IMAGE_SUBSTITUTIONS='name=local/name:tag', "
                "or allow pulling with TESTCONTAINERS_PULL_POLICY=missing.",
            )
        session.remember_image(image)
        return
    if present and policy is PullPolicy.MISSING:
        session.remember_image(image)
        return
    try:
        pull_image(session, image, requested)
    except ImageNotFoundError:
        if present:  # pull.policy=always against a local-only image: keep the local copy
            log.warning("pull of %s failed; using the local image", image)
            session.remember_image(image)
            return
        raise
