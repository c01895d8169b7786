"""Image names: parsing references, and substitution of upstream names by local ones."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import ConfigurationError

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
