"""What can go wrong in the shelter area: a message of the catalogues and its values."""

from __future__ import annotations

from typing import Any

__all__ = ["ShelterDenied", "ShelterError", "ShelterNotFound"]


class ShelterError(ValueError):
    """A request the shelter service cannot carry out; never carries a personal value.

    `message` is an English message of the catalogues with %(name)s placeholders; the
    edges translate it with `values` (`t(error.message, **error.values)`).
    """

    def __init__(self, message: str, **values: Any) -> None:
        self.message = message
        self.values = values
        super().__init__(message % values if values else message)


class ShelterDenied(ShelterError):
    """The principal may not do this (the web answers 403)."""


class ShelterNotFound(ShelterError):
    """No such shelter, request or reservation (the web answers 404)."""
