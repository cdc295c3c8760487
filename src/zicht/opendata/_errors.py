"""The error of an export that cannot be made."""

from __future__ import annotations

__all__ = ["OpenDataError"]


class OpenDataError(ValueError):
    """An export that cannot be made; `message` is a catalogue message, `values` its fields."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values)
        self.message = message
        self.values = values
