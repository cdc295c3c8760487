"""The report's estimates: per year, and per form in the report year.

Both come from :func:`zicht.estimate.estimate_linked` under the one estimation policy
(:data:`zicht.estimate.DEFAULT_POLICY`), on the registrations of the latest link run,
so the report publishes what the CLI, the web page and the API publish.
"""

from __future__ import annotations

from sqlalchemy import Engine

from zicht.estimate import DEFAULT_POLICY, Estimate, EstimationPolicy, estimate_linked
from zicht.standard import FORMS
from zicht.store.linkage import linked_registrations

__all__ = ["report_estimates"]


def report_estimates(
    engine: Engine, run_id: int, year: int, policy: EstimationPolicy = DEFAULT_POLICY
) -> tuple[list[Estimate], list[Estimate]]:
    """Estimates per year, and per form in `year` (forms in the standard's order)."""
    frame = linked_registrations(engine, run_id)
    by_year = estimate_linked(frame, policy, by=("year",))
    by_form = estimate_linked(frame, policy, by=("form",), year=year)
    rank = {code: i for i, code in enumerate(FORMS.codes)}
    by_form.sort(key=lambda e: (rank.get(e.stratum, len(rank)), e.stratum))
    return by_year, by_form
