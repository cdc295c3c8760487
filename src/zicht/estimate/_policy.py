"""The estimation policy: the one set of choices behind every published estimate.

The CLI (`zicht estimate --linked`), the web estimates page, the API and the yearly
report all estimate with :data:`DEFAULT_POLICY` through
:func:`zicht.estimate._published.estimate_linked`, so one link run gives one estimate.

Which organisations are lists (:meth:`EstimationPolicy.list_plan`): an organisation is
its own list when it registered at least ``merge_below`` persons in the link run and is
among the ``max_lists`` largest; the others are merged into one list ``OTHER``. Why:
a list with few persons has overlaps of zero or one with most other lists, so its
two-list interactions are not estimable or very unstable (the MLE may not exist,
Fienberg & Rinaldo 2012), and every extra list doubles the number of capture
histories; merging small lists is the remedy of van Dijk et al. (2017). The default
of 20 persons is Zicht's choice: below it a list's expected overlap with a list
covering a fifth of the population is under four. Counting persons over the whole run
gives every stratum the same lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from zicht.estimate._selection import METHODS

__all__ = ["DEFAULT_POLICY", "INTERVALS", "MERGED", "EstimationPolicy"]

MERGED = "OTHER"
INTERVALS = ("normal", "profile", "bootstrap")


@dataclass(frozen=True)
class EstimationPolicy:
    """Lists, model selection, interval and rounding of a published estimate.

    Attributes:
        merge_below: organisations with fewer persons in the link run are merged.
        max_lists: at most this many organisations keep their own list (the largest).
        method: model selection, one of :data:`zicht.estimate.METHODS`.
        pthresh: threshold of the stepwise/AIC rule.
        interval: ``normal`` (log scale), ``profile`` or ``bootstrap`` (BCa).
        level: interval level.
        min_persons: a stratum with fewer persons gets no estimate ("too few").
        digits: significant digits of the interval's half-width kept when rounding.
        nboot: bootstrap replicates (``interval == "bootstrap"``).
        seed: bootstrap seed.
    """

    merge_below: int = 20
    max_lists: int = 5
    method: str = "stepwise"
    pthresh: float = 0.02
    interval: str = "normal"
    level: float = 0.95
    min_persons: int = 10
    digits: int = 2
    nboot: int = 1000
    seed: int = 1234

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        if self.interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
        if not 0.0 < self.level < 1.0:
            raise ValueError("level must lie strictly between 0 and 1")
        if not 0.0 <= self.pthresh <= 1.0:
            raise ValueError("pthresh must lie between 0 and 1")
        if self.max_lists < 2 or self.merge_below < 0 or self.min_persons < 1:
            raise ValueError("max_lists must be at least 2, merge_below and min_persons >= 0")
        if self.digits < 1 or self.nboot < 1:
            raise ValueError("digits and nboot must be at least 1")

    def replace(self, **changes: object) -> EstimationPolicy:
        """A copy with some choices changed (None values are ignored)."""
        given = {name: value for name, value in changes.items() if value is not None}
        return dataclasses.replace(self, **given)  # type: ignore[arg-type]

    def list_plan(self, persons: Mapping[str, int]) -> dict[str, str]:
        """The list each organisation feeds: itself, or ``OTHER``.

        Args:
            persons: distinct persons each organisation registered in the link run.
        """
        eligible = [o for o in persons if persons[o] >= self.merge_below]
        kept = set(sorted(eligible, key=lambda o: (-persons[o], o))[: self.max_lists])
        return {o: (o if o in kept else MERGED) for o in sorted(persons)}

    def text_values(self, lang: str) -> dict[str, object]:
        """The policy's choices as values for the report's method text."""
        decimal = "," if lang == "nl" else "."
        return {
            "merge": self.merge_below,
            "max_lists": self.max_lists,
            "method": self.method,
            "pthresh": f"{self.pthresh:g}".replace(".", decimal),
            "interval": self.interval,
            "level": f"{self.level:.0%}".replace(".", decimal),
            "min_persons": self.min_persons,
            "digits": self.digits,
        }


DEFAULT_POLICY = EstimationPolicy()
