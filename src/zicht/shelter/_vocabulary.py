"""The codes of the shelter area and their labels (messages of the catalogues)."""

from __future__ import annotations

import re

from zicht.i18n import N_

__all__ = [
    "BED_KINDS",
    "HOLD_MINUTES",
    "MAX_GROUP",
    "REFUSAL_REASONS",
    "REGIONS",
    "SECURITY_LEVELS",
    "SHELTER_KINDS",
    "URGENCIES",
    "is_pseudonym",
]

SHELTER_KINDS: dict[str, str] = {
    "categorical": N_("Categorical shelter"),
    "municipal": N_("Municipal shelter"),
    "crisis": N_("Crisis beds"),
}

BED_KINDS: dict[str, str] = {
    "women": N_("Women"),
    "men": N_("Men"),
    "minors": N_("Minors"),
    "families": N_("Families"),
    "crisis_labour": N_("Crisis bed (labour exploitation)"),
}

URGENCIES: dict[str, str] = {
    "tonight": N_("Tonight"),
    "days": N_("Within a few days"),
}

# How long a bed is held for the shelter to decide, by urgency.
HOLD_MINUTES: dict[str, int] = {"tonight": 60, "days": 24 * 60}

REFUSAL_REASONS: dict[str, str] = {
    "no_capacity": N_("No capacity after all"),
    "security": N_("Security cannot be guaranteed"),
    "care_needs": N_("Care needs cannot be met"),
    "language": N_("Language cannot be served"),
    "person_declined": N_("The person declined the place"),
    "other": N_("Other reason"),
}

SECURITY_LEVELS: dict[int, str] = {
    1: N_("Standard"),
    2: N_("Raised"),
    3: N_("High (secret location, guarded)"),
}

# The police's ten regional units and a national option, as requests name them.
REGIONS: tuple[str, ...] = (
    "noord-nederland",
    "oost-nederland",
    "midden-nederland",
    "noord-holland",
    "amsterdam",
    "den-haag",
    "rotterdam",
    "zeeland-west-brabant",
    "oost-brabant",
    "limburg",
)

# The largest group one request may hold (a crisis reception of a whole workplace).
MAX_GROUP = 200

_PSEUDONYM = re.compile(r"[0-9a-f]{64}")


def is_pseudonym(value: str) -> bool:
    """Whether `value` has the form of a keyed pseudonym (64 lowercase hex digits)."""
    return _PSEUDONYM.fullmatch(value) is not None
