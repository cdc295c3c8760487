"""Art. 17 statement of reasons to the affected user, in the user's language.

It says what was decided, where and for how long, on which facts, whether it followed
a notice or the platform's own initiative, whether automated means were used, on which
ground and why, and how to seek redress. It never names the notifier, and it never
mentions a referral to the police (Art. 18: no tip-off).
"""

from __future__ import annotations

from zicht.i18n import N_, translator
from zicht.store.notices import DecisionRow

__all__ = ["RESTRICTION_LABELS", "statement_of_reasons"]

RESTRICTION_LABELS: dict[str, str] = {
    "DECISION_VISIBILITY_CONTENT_REMOVED": N_("Removal of content"),
    "DECISION_VISIBILITY_CONTENT_DISABLED": N_("Disabling access to content"),
    "DECISION_VISIBILITY_CONTENT_DEMOTED": N_("Demotion of content"),
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED": N_("Age restricted content"),
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED": N_(
        "Restricting interaction with content"
    ),
    "DECISION_VISIBILITY_CONTENT_LABELLED": N_("Labelled content"),
    "DECISION_VISIBILITY_OTHER": N_("Other restriction of visibility"),
    "DECISION_MONETARY_SUSPENSION": N_("Suspension of monetary payments"),
    "DECISION_MONETARY_TERMINATION": N_("Termination of monetary payments"),
    "DECISION_MONETARY_OTHER": N_("Other restriction of monetary payments"),
    "DECISION_PROVISION_PARTIAL_SUSPENSION": N_(
        "Partial suspension of the provision of the service"
    ),
    "DECISION_PROVISION_TOTAL_SUSPENSION": N_("Total suspension of the provision of the service"),
    "DECISION_PROVISION_PARTIAL_TERMINATION": N_(
        "Partial termination of the provision of the service"
    ),
    "DECISION_PROVISION_TOTAL_TERMINATION": N_("Total termination of the provision of the service"),
    "DECISION_ACCOUNT_SUSPENDED": N_("Suspension of the account"),
    "DECISION_ACCOUNT_TERMINATED": N_("Termination of the account"),
}
_AUTOMATED = {
    "AUTOMATED_DECISION_FULLY": N_("The decision was taken fully by automated means."),
    "AUTOMATED_DECISION_PARTIALLY": N_("The decision was taken partly by automated means."),
    "AUTOMATED_DECISION_NOT_AUTOMATED": N_("The decision was taken by a person."),
}


def statement_of_reasons(decision: DecisionRow, lang: str | None = None) -> str:
    """The statement of reasons of a decision to act, as plain text in `lang`."""
    t = translator(lang)
    restrictions = [*decision.visibility, decision.monetary, decision.provision, decision.account]
    lines = [t("Statement of reasons (Article 17 of the Digital Services Act)"), ""]
    lines.append(t("We decided:"))
    lines += [f"- {t(RESTRICTION_LABELS[value])}" for value in restrictions if value]
    lines.append(t("Where: %(states)s.", states=", ".join(decision.territorial_scope)))
    if decision.end_date is None:
        lines.append(t("For how long: until further notice."))
    else:
        lines.append(t("For how long: until %(date)s.", date=t.date(decision.end_date)))
    lines += ["", t("Facts and circumstances: %(facts)s", facts=decision.facts)]
    if decision.source == "own_initiative":
        lines.append(t("The decision was taken on our own initiative."))
    else:
        lines.append(t("The decision followed a notice about the content."))
    if decision.automated_detection:
        lines.append(t("The content was detected by automated means."))
    lines.append(t(_AUTOMATED[decision.automated_decision]))
    if decision.ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        lines.append(
            t("The content is illegal under: %(ground)s", ground=decision.ground_reference)
        )
    else:
        lines.append(
            t(
                "The content is incompatible with our terms and conditions: %(ground)s",
                ground=decision.ground_reference,
            )
        )
    lines.append(t("Why: %(explanation)s", explanation=decision.ground_explanation))
    lines += [
        "",
        t(
            "You can complain about this decision free of charge within six months, "
            "with the key %(key)s. You can also turn to a certified out-of-court dispute "
            "settlement body, or go to court.",
            key=decision.redress_key,
        ),
    ]
    return "\n".join(lines)
