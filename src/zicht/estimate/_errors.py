"""The one error type of :mod:`zicht.estimate`."""

from __future__ import annotations

__all__ = ["EstimationError"]


class EstimationError(ValueError):
    """Input that cannot be estimated from, or a model that cannot be fitted.

    The message names the problem (the column, the rule, the model) and never carries
    personal data: capture-history tables hold counts only.
    """
