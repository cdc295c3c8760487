"""The publication policy: the one step every count passes before it leaves the store.

The dashboard (page and ``/api/dashboard``), the API's aggregates and the yearly report
publish counts only through :func:`publish`: primary suppression of counts from 1 to
``k - 1``, secondary suppression audited by linear programming
(:func:`zicht.privacy._disclosure.protect`) so that no hidden count can be recomputed
from totals and other published cells, then rounding of what is shown. Estimates are
rounded by the estimation policy (:mod:`zicht.estimate._policy`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from zicht.privacy._disclosure import Protection, Relation, protect

__all__ = ["DEFAULT_PUBLICATION", "PublicationPolicy", "Published", "publish"]


@dataclass(frozen=True)
class PublicationPolicy:
    """How counts are published.

    Attributes:
        k: the smallest count published (zero excepted); smaller ones are suppressed.
        margin: protection range of a suppressed cell (default ``k``): an attacker's
            interval for it must reach from ``max(0, n - margin)`` to ``n + margin``.
        rounding: published counts are rounded to a multiple of this (1: exact). It is
            applied after suppression, so it never reveals a suppressed cell.
    """

    k: int = 10
    margin: int | None = None
    rounding: int = 1

    def __post_init__(self) -> None:
        if self.k < 1 or self.rounding < 1:
            raise ValueError("k and rounding must be at least 1")
        if self.margin is not None and self.margin < 1:
            raise ValueError("margin must be at least 1")

    def rounded(self, count: int) -> int:
        """`count` to the nearest multiple of `rounding` (halves up)."""
        if self.rounding == 1:
            return count
        return (count + self.rounding // 2) // self.rounding * self.rounding


DEFAULT_PUBLICATION = PublicationPolicy()
"""The report's k = 10, exact counts: what every edge publishes."""


@dataclass(frozen=True)
class Published:
    """The outcome of :func:`publish`: every cell's published value, None if suppressed."""

    values: dict[Hashable, int | None]
    protection: Protection
    policy: PublicationPolicy

    def __getitem__(self, cell: Hashable) -> int | None:
        return self.values[cell]

    def get(self, cell: Hashable) -> int | None:
        """The published value of `cell`, None when suppressed or unknown."""
        return self.values.get(cell)


def publish(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation] = (),
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> Published:
    """Suppress and round a system of counts for publication.

    Args:
        values: every cell of the system (nonnegative integers), in a fixed order.
        relations: how totals and parts hang together, across tables.
        policy: k, margin and rounding (default :data:`DEFAULT_PUBLICATION`).

    Returns:
        The published values (None where suppressed) and the protection behind them.
    """
    protection = protect(values, relations, k=policy.k, margin=policy.margin)
    hidden = protection.suppressed
    published = {cell: None if cell in hidden else policy.rounded(n) for cell, n in values.items()}
    return Published(published, protection, policy)
