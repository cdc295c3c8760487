"""The words of the ranking for people: reasons and changes, messages of the catalogues."""

from __future__ import annotations

from zicht.i18n import N_, Translator

__all__ = ["CHANGE_TEXTS", "KIND_TEXTS", "reason_text"]

CHANGE_TEXTS = {
    "new": N_("new"),
    "merged": N_("merged"),
    "grew": N_("grew"),
    "shrank": N_("shrank"),
    "same": N_("unchanged"),
}

KIND_TEXTS = {
    "person": N_("victim"),
    "suspect": N_("suspect"),
    "ad": N_("ad"),
    "operator": N_("ad operator"),
    "licence": N_("licence"),
    "employer": N_("employer (KvK)"),
    "address": N_("address"),
    "postcode": N_("postcode"),
    "phone": N_("phone"),
    "email": N_("e-mail"),
    "iban": N_("bank account"),
}


def reason_text(t: Translator, code: str, value: int) -> str:
    """One reason of a score as a phrase in the translator's language."""
    if code == "victims":
        return t.ngettext("%(n)s victim", "%(n)s victims", value, n=t.number(value))
    if code == "minors":
        return t.ngettext("%(n)s minor", "%(n)s minors", value, n=t.number(value))
    if code == "suspects_om":
        return t.ngettext(
            "%(n)s suspect known to the OM",
            "%(n)s suspects known to the OM",
            value,
            n=t.number(value),
        )
    if code == "cross_border":
        return t("cross-border")
    if code == "forms":
        return t("more than one form of exploitation")
    if code == "recent":
        return t("active in the last year")
    raise KeyError(code)
