"""One stored release per key, and a privacy budget per registration year.

Differential privacy bounds what one release says about a person; every further
release with fresh noise says more (the noise of many can be averaged away). So a DP
release is made once per (link run, period, epsilon, delta) and stored; later requests
for the same key get the stored files back, byte for byte, and spend nothing. Only an
explicit new release (the command line's ``--new-release``) draws fresh noise, and it
spends its epsilon again.

Every release that is made writes one ledger row per registration year it covers, in
the same transaction as the release and its audit entry. A year's budget is the sum of
its rows over all link runs (a new run describes the same people); a release that would
take any of its years over the total budget is refused before anything is drawn, and
checked again under the budget lock before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Actor, AuditEvent, audited_transaction
from zicht.i18n import N_
from zicht.opendata._errors import OpenDataError
from zicht.store.opendata_releases import (
    ReleaseKey,
    add_release,
    budget_lock,
    find_release,
    spent_by_year,
)

__all__ = ["BudgetYear", "Release", "budget_overview", "check_budget", "obtain_release"]

# Float sums of epsilons (0.1 + 0.2 ...) must not refuse a release that fits exactly.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Release:
    """The files of a release, its stored id, and whether they were made now."""

    id: int
    files: dict[str, str]
    made_now: bool


@dataclass(frozen=True)
class BudgetYear:
    """A registration year's budget: spent so far and what is left of the total."""

    year: int
    spent: float
    budget: float

    @property
    def left(self) -> float:
        return max(0.0, self.budget - self.spent)


def check_budget(
    spent: Mapping[int, float], years: Iterable[int], epsilon: float, budget: float
) -> None:
    """Refuse (OpenDataError) when `epsilon` more would take a year over `budget`."""
    for year in years:
        used = spent.get(year, 0.0)
        if used + epsilon > budget + _TOLERANCE:
            raise OpenDataError(
                N_(
                    "the privacy budget of %(year)s is used up: epsilon %(spent)s of "
                    "%(budget)s is spent and this release needs %(epsilon)s more"
                ),
                year=year,
                spent=round(used, 6),
                budget=round(budget, 6),
                epsilon=round(epsilon, 6),
            )


def budget_overview(engine: Engine, budget: float) -> list[BudgetYear]:
    """Every registration year that has spent budget, with what is left."""
    return [BudgetYear(year, spent, budget) for year, spent in spent_by_year(engine).items()]


def obtain_release(
    engine: Engine,
    key: ReleaseKey,
    *,
    budget: float,
    make: Callable[[], Mapping[str, str]],
    audit: Callable[[int, bool], AuditEvent],
    actor: Actor,
    new_release: bool = False,
) -> Release:
    """The stored release of `key`, or a new one made by `make` that spends the budget.

    `make` draws the noise (it is called only when a release is to be made, and only
    after the budget was checked); `audit(release_id, made_now)` builds the audit entry,
    which commits with the release and its ledger rows.
    """
    stored = None if new_release else find_release(engine, key)
    made: Mapping[str, str] | None = None
    if stored is None:
        check_budget(spent_by_year(engine, key.years), key.years, key.epsilon, budget)
        made = make()
    with audited_transaction(engine) as transaction:
        connection = transaction.connection
        budget_lock(connection)
        if not new_release:
            # Someone may have made this release while we drew ours: theirs stands,
            # ours was never shown to anyone and spends nothing.
            stored = find_release(connection, key)
        if stored is not None:
            release = Release(stored.id, stored.files, made_now=False)
        else:
            check_budget(spent_by_year(connection, key.years), key.years, key.epsilon, budget)
            files = dict(made if made is not None else make())
            release_id = add_release(connection, key, files, actor.name)
            release = Release(release_id, files, made_now=True)
        transaction.log(audit(release.id, release.made_now))
    return release
