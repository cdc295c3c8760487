"""The report's method paragraph is written from the estimation policy, in nl and en."""

from __future__ import annotations

from zicht.estimate import DEFAULT_POLICY
from zicht.monitor._assemble import method_text


def test_the_default_policy_reads_as_written_by_hand() -> None:
    assert method_text(DEFAULT_POLICY, "en") == (
        "Model selection: stepwise (SparseMSE), threshold p < 0.02; 95% interval: normal on "
        "the log scale. An organisation is a list of its own when it registered at least "
        "20 persons in the link run and is among the 5 largest; the others are merged into "
        "OTHER. No estimate for a group of fewer than 10 persons."
    )
    assert method_text(DEFAULT_POLICY, "nl") == (
        "Modelkeuze: stapsgewijs (SparseMSE), drempel p < 0,02; 95%-interval: normaal op "
        "log-schaal. "
        "Een organisatie is een eigen lijst als zij in de koppelrun ten minste 20 personen "
        "registreerde en bij de 5 grootste hoort; de overige zijn samengevoegd tot OTHER. "
        "Geen schatting voor een groep met minder dan 10 personen."
    )


def test_another_policy_gives_another_text() -> None:
    policy = DEFAULT_POLICY.replace(
        merge_below=7, max_lists=4, method="aic", pthresh=0.05, interval="profile", level=0.9
    )
    english = method_text(policy, "en")
    for part in ("at least 7 persons", "the 4 largest", "by AIC", "p < 0.05", "90% interval:"):
        assert part in english, part
    assert "profile likelihood" in english
    assert "ten minste 7 personen" in method_text(policy, "nl")
