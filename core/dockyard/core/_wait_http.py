"""HttpWaitStrategy: ready once an HTTP(S) endpoint of the container answers as expected.

Configured in the constructor (``status=``, ``body=``, ``https=``…) or fluently, with
testcontainers-python's names: ``for_status_code``, ``for_status_code_matching``,
``for_response_predicate``, ``with_method``, ``with_header``, ``with_body``, ``using_tls``,
``with_basic_credentials``, ``from_url``.
"""

from __future__ import annotations

import base64
import http.client
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from typing import Any, Self
from urllib.parse import urlsplit

from ._config import positive_seconds
from ._errors import ConfigurationError
from ._ports import PortLike, parse_port
from ._wait import NotReady, PollingWaitStrategy, WaitTarget

__all__ = ["HttpWaitStrategy"]

StatusCheck = int | Iterable[int] | Callable[[int], bool]
# The most of an HTTP body read for matching.
MAX_BODY_BYTES = 1 << 20


class HttpWaitStrategy(PollingWaitStrategy):
    """Ready once an HTTP(S) request to a mapped port returns the expected status/body.

    ``status`` is a code, several, or a predicate (default 200); ``body`` a regex the body
    must contain. Self-signed certificates are accepted unless ``tls_verify``.
    """

    transient_errors = (http.client.HTTPException,)

    def __init__(
        self,
        port: PortLike,
        path: str | None = "/",
        *,
        status: StatusCheck = 200,
        body: str | None = None,
        https: bool = False,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        tls_verify: bool = False,
        request_timeout: float = 2.0,
    ) -> None:
        super().__init__()
        self.port = parse_port(port)
        if self.port.protocol != "tcp":
            raise ConfigurationError(f"HTTP needs a tcp port, got {self.port}.")
        path = path or "/"
        self.path = path if path.startswith("/") else "/" + path
        self._codes: set[int] = set()
        self._code_checks: list[Callable[[int], bool]] = []
        if callable(status):
            self._code_checks.append(status)
        elif isinstance(status, int):
            self._codes.add(status)
        else:
            self._codes.update(status)
        self.body = re.compile(body) if body is not None else None
        self._body_checks: list[Callable[[str], bool]] = []
        self.https = https
        self.method = method.upper()
        self.headers = dict(headers or {})
        self.request_body: bytes | None = None
        self.tls_verify = tls_verify
        self.request_timeout = positive_seconds("request timeout", request_timeout)

    # -- testcontainers-python's fluent configuration -------------------------------------
    @classmethod
    def from_url(cls, url: str) -> HttpWaitStrategy:
        """Port and path from ``url`` (80/443 when it names none); the host is the container's."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ConfigurationError(f"from_url({url!r}) needs an http:// or https:// URL.")
        default = 443 if parts.scheme == "https" else 80
        strategy = cls(parts.port or default, parts.path or "/")
        return strategy.using_tls() if parts.scheme == "https" else strategy

    def for_status_code(self, code: int) -> Self:
        """Also accept ``code`` (200 stays accepted, as upstream)."""
        self._codes.add(int(code))
        return self

    def for_status_code_matching(self, predicate: Callable[[int], bool]) -> Self:
        self._code_checks.append(predicate)
        return self

    def for_response_predicate(self, predicate: Callable[[str], bool]) -> Self:
        """Ready only once ``predicate(body text)`` is true."""
        self._body_checks.append(predicate)
        return self

    def with_method(self, method: str) -> Self:
        self.method = method.upper()
        return self

    def with_header(self, name: str, value: str) -> Self:
        self.headers[name] = value
        return self

    def with_body(self, body: str | bytes) -> Self:
        self.request_body = body.encode() if isinstance(body, str) else body
        return self

    def using_tls(self, insecure: bool = False) -> Self:
        """HTTPS; the certificate is verified unless ``insecure`` (testcontainers' meaning)."""
        self.https = True
        self.tls_verify = not insecure
        return self

    def with_basic_credentials(self, username: str, password: str) -> Self:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        return self.with_header("Authorization", f"Basic {token}")

    def _status_ok(self, code: int) -> bool:
        return code in self._codes or any(check(code) for check in self._code_checks)

    # -- the check ----------------------------------------------------------------------------
    def is_ready(self, target: WaitTarget) -> bool:
        host, port = target.host(), target.mapped_port(self.port)
        timeout = min(self.request_timeout, self.check_time_left())
        deadline = time.monotonic() + timeout
        conn: http.client.HTTPConnection
        if self.https:
            context = ssl.create_default_context()
            if not self.tls_verify:  # test services use self-signed certificates
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
            conn.sock = _tls_socket(host, port, timeout, context)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        responses: list[http.client.HTTPResponse] = []
        conn.response_class = _tracked(responses)
        try:
            conn.request(self.method, self.path, body=self.request_body, headers=self.headers)
            response = conn.getresponse()
            if not self._status_ok(response.status):
                raise NotReady(f"HTTP {response.status} from {self.path}")
            if self.body is not None or self._body_checks:
                self._match_body(conn, response, deadline)
        finally:
            # http.client drops a response whose headers never came without closing it,
            # which keeps the socket open until it is collected.
            for made in responses:
                made.close()
            conn.close()
        return True

    def _match_body(
        self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float
    ) -> None:
        """Read the body (until the regex matched, when that is all that is asked), bounded
        by MAX_BODY_BYTES and the check's time, then apply the regex and the predicates."""
        data = b""
        why = "ended"
        regex_alone = self.body is not None and not self._body_checks
        while True:
            if (
                regex_alone
                and self.body is not None
                and self.body.search(data.decode("utf-8", "replace"))
            ):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                why = "was still streaming when the check's time was up"
                break
            if len(data) >= MAX_BODY_BYTES:
                why = f"reached {MAX_BODY_BYTES} bytes"
                break
            if conn.sock is not None:
                conn.sock.settimeout(left)
            chunk = response.read1(65536)
            if not chunk:
                break
            data += chunk
        text = data.decode(errors="replace")
        if self.body is not None and not self.body.search(text):
            raise NotReady(f"body of {self.path} does not match /{self.body.pattern}/ (it {why})")
        if not all(check(text) for check in self._body_checks):
            raise NotReady(f"the response predicate rejected the body of {self.path}")

    def describe(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme} {self.method} {self.path} on {self.port}"


def _tracked(responses: list[http.client.HTTPResponse]) -> type[http.client.HTTPResponse]:
    class TrackedResponse(http.client.HTTPResponse):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            responses.append(self)

    return TrackedResponse


def _tls_socket(host: str, port: int, timeout: float, context: ssl.SSLContext) -> ssl.SSLSocket:
    """Connect and shake hands; a failed handshake closes the plain socket too (http.client
    leaves it detached but unclosed, which warns when it is collected)."""
    plain = socket.create_connection((host, port), timeout=timeout)
    try:
        return context.wrap_socket(plain, server_hostname=host)
    except BaseException:
        plain.close()
        raise
