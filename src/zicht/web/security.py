"""Security headers on every response, a cap on request bodies, and the local-host test.

The Content-Security-Policy allows no inline script or style at all: pages use only
the app's own static CSS (and no JavaScript), charts are inline SVG without style
attributes. The middleware is plain ASGI so that it also covers error responses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOCAL_HOSTS",
    "SECURITY_HEADERS",
    "SecurityMiddleware",
    "is_local",
]

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MAX_BODY_BYTES = 25 * 1024 * 1024


def is_local(request: Request) -> bool:
    """Is the app reached over plain HTTP on this machine (so cookies need not be Secure)?"""
    return request.url.scheme == "http" and (request.url.hostname or "") in LOCAL_HOSTS


_ENCODED_HEADERS = tuple((name.encode(), value.encode()) for name, value in SECURITY_HEADERS)


def _headers(scope: Scope, existing: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    existing = list(existing)
    names = {name.lower() for name, _ in existing}
    added = [(name, value) for name, value in _ENCODED_HEADERS if name not in names]
    if scope.get("scheme") == "https":
        added.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    if not str(scope.get("path", "")).startswith("/static/") and b"cache-control" not in names:
        added.append((b"cache-control", b"no-store"))
    return [*existing, *added]


class SecurityMiddleware:
    """Adds the security headers, refuses oversized bodies, answers crashes with a bare 500."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = _headers(scope, message.get("headers", []))
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._plain(send_with_headers, 413, b"request body too large")
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await self._plain(send_with_headers, 413, b"request body too large")
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await self._plain(send_with_headers, 500, b"internal server error")

    @staticmethod
    async def _plain(send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """The request body grew beyond the limit while it was read."""
