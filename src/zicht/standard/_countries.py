"""ISO 3166-1 countries with Dutch and English names (from pycountry's ISO data)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from zicht.standard._vocabulary import Term, Vocabulary

__all__ = ["COUNTRIES", "country_code"]


@cache
def _countries() -> Vocabulary:
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    terms = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        english = getattr(country, "common_name", country.name)
        terms.append(
            Term(
                country.alpha_2,
                dutch.gettext(country.name),
                english,
                ctdc=country.alpha_2,
                htcds=country.alpha_2,
                extra=(("alpha_3", country.alpha_3),),
            )
        )
    return Vocabulary(
        name="country",
        nl="Land",
        en="Country",
        description_en="ISO 3166-1 alpha-2 code; used for nationality and country of exploitation.",
        terms=tuple(terms),
    )


COUNTRIES = _countries()
_ALPHA3 = {term.attribute("alpha_3"): term.code for term in COUNTRIES}


def country_code(value: str) -> str | None:
    """The alpha-2 code for an alpha-2 or alpha-3 code in any case, or None."""
    upper = value.strip().upper()
    if upper in COUNTRIES:
        return upper
    return _ALPHA3.get(upper)
