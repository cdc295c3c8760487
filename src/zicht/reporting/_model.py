"""The vocabulary of the reporting channel: who reports, who handles, where it goes.

`melding` = report. Texts the reporter sees are messages of the `meld` gettext domain
(marked `M_`, six languages); texts staff see are messages of Zicht's own domain (`N_`).
"""

from __future__ import annotations

from zicht.i18n import N_

__all__ = [
    "AUDIENCES",
    "COORDINATOR",
    "LANGUAGES",
    "M_",
    "OUTCOMES",
    "PUBLIC_AUDIENCES",
    "PUBLIC_TOPICS",
    "REFERRALS",
    "STATUSES",
    "TOPICS",
    "coordinator_of",
]


def M_(message: str) -> str:
    """Mark `message` for the `meld` domain (the public pages) without translating it."""
    return message


# Languages of the public pages, in the order the choice lists them.
LANGUAGES: tuple[str, ...] = ("nl", "en", "pl", "ro", "bg", "uk")

# audience -> (what the reporter reads, what staff read)
PUBLIC_AUDIENCES: dict[str, str] = {
    "victim": M_("I need help myself"),
    "witness": M_("I saw something"),
    "client": M_("I am a client of a sex worker"),
    "worker": M_("I am a worker with problems at work"),
}
AUDIENCES: dict[str, str] = {
    "victim": N_("Reporter needs help"),
    "witness": N_("Witness"),
    "client": N_("Client of a sex worker"),
    "worker": N_("Worker with problems at work"),
}

# The coordinating partner that triages a report: FairWork for work, CoMensha otherwise.
COORDINATOR: dict[str, str] = {
    "victim": "comensha",
    "witness": "comensha",
    "client": "comensha",
    "worker": "fairwork",
}

REFERRALS: dict[str, str] = {
    "police": N_("Police"),
    "inspectorate": N_("Labour inspectorate"),
    "ckm": N_("CKM (child trafficking)"),
    "care_coordinator": N_("Care coordinator"),
}

STATUSES: dict[str, str] = {
    "new": N_("New"),
    "in_progress": N_("Being handled"),
    "referred": N_("Referred"),
    "registered": N_("Registered"),
    "closed": N_("Closed"),
}

# How a report ended, for the monitor's counts.
OUTCOMES: dict[str, str] = {
    "referred": N_("Referred to a partner"),
    "registered": N_("Registered as a possible victim"),
    "advice": N_("Advice given"),
    "no_contact": N_("No further contact"),
    "not_taken_on": N_("Not taken on"),
}

PUBLIC_TOPICS: dict[str, str] = {
    "rights": M_("Your rights and duties at work"),
    "signs": M_("Signs of exploitation"),
    "client": M_("What you can look out for and do as a client"),
    "help": M_("Where you can find help"),
    "after": M_("What happens after you report"),
}

# Information pages before the form, per audience (Markdown kept by the coordinators).
TOPICS: dict[str, str] = {
    "rights": N_("Rights and duties at work"),
    "signs": N_("Signs of exploitation"),
    "client": N_("What a client should look out for and may do"),
    "help": N_("Where help is"),
    "after": N_("What happens after a report"),
}


def coordinator_of(audience: str) -> str:
    """The organisation that triages reports of `audience`."""
    return COORDINATOR[audience]
