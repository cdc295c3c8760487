"""Synthetic identifiers, vectorised: IBANs with valid check digits, company numbers,
phone numbers, Dutch addresses, identity-document numbers.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

__all__ = [
    "Addresses",
    "company_numbers",
    "dutch_addresses",
    "ibans",
    "id_documents",
    "phone_numbers",
]

Strings = npt.NDArray[np.object_]
_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)  # no I, O, Q
_NL_BANKS = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB")
# (country, bank-code letters, digits after the bank code)
_IBAN_FORMATS = {"NL": (4, 10), "PL": (0, 24), "RO": (4, 16), "BG": (4, 14), "DE": (0, 18)}
# calling code and the national number: a fixed prefix and a count of random digits
_PHONE_PLANS = {
    "NL": ("31", "6", 8),
    "PL": ("48", "5", 8),
    "RO": ("40", "7", 8),
    "BG": ("359", "8", 8),
    "HU": ("36", "30", 7),
    "UA": ("380", "6", 8),
    "NG": ("234", "80", 8),
    "VN": ("84", "9", 8),
    "CN": ("86", "13", 9),
    "MA": ("212", "6", 8),
    "TR": ("90", "5", 9),
    "BR": ("55", "11", 9),
    "IN": ("91", "9", 9),
    "XX": ("44", "7", 9),
}


def _digits(rng: np.random.Generator, n: int, k: int) -> npt.NDArray[np.uint8]:
    return (rng.integers(0, 10, size=(n, k)) + ord("0")).astype(np.uint8)


def _strings(chars: npt.NDArray[np.uint8]) -> Strings:
    """Rows of an ASCII byte matrix as Python strings."""
    if chars.shape[0] == 0:
        return np.empty(0, dtype=object)
    width = chars.shape[1]
    return np.ascontiguousarray(chars).view(f"S{width}").ravel().astype(f"U{width}").astype(object)


def _mod97(chars: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """ISO 7064 MOD 97-10 remainder of rows of digits and capital letters (A=10 ... Z=35)."""
    remainder = np.zeros(chars.shape[0], dtype=np.int64)
    for column in chars.T:
        is_letter = column >= ord("A")
        value = np.where(is_letter, column.astype(np.int64) - 55, column.astype(np.int64) - 48)
        remainder = (remainder * np.where(is_letter, 100, 10) + value) % 97
    return remainder


def ibans(rng: np.random.Generator, countries: Strings) -> Strings:
    """One IBAN per element of ``countries`` (ISO alpha-2; NL for formats we lack)."""
    out = np.empty(len(countries), dtype=object)
    for country in sorted(set(countries.tolist())):
        rows = np.flatnonzero(countries == country)
        code = country if country in _IBAN_FORMATS else "NL"
        letters, digits = _IBAN_FORMATS[code]
        if code == "NL":
            banks = np.frombuffer("".join(_NL_BANKS).encode(), dtype=np.uint8).reshape(-1, 4)
            bank = banks[rng.integers(0, len(_NL_BANKS), len(rows))]
        else:
            bank = _LETTERS[rng.integers(0, len(_LETTERS), size=(len(rows), letters))]
        bban = np.hstack([bank, _digits(rng, len(rows), digits)])
        tail = np.frombuffer(f"{code}00".encode(), dtype=np.uint8)
        check = 98 - _mod97(np.hstack([bban, np.tile(tail, (len(rows), 1))]))
        check_chars = np.stack([check // 10 + 48, check % 10 + 48], axis=1).astype(np.uint8)
        head = np.tile(np.frombuffer(code.encode(), dtype=np.uint8), (len(rows), 1))
        out[rows] = _strings(np.hstack([head, check_chars, bban]))
    return out


def company_numbers(rng: np.random.Generator, n: int) -> Strings:
    """Eight-digit company registration (KvK) numbers, not starting with 0, distinct."""
    numbers = rng.choice(90_000_000, size=n, replace=False) + 10_000_000
    return numbers.astype(str).astype(object)


def phone_numbers(rng: np.random.Generator, countries: Strings) -> Strings:
    """Phone numbers in E.164 form (+<calling code><number>), one per country given."""
    out = np.empty(len(countries), dtype=object)
    for country in sorted(set(countries.tolist())):
        rows = np.flatnonzero(countries == country)
        calling, prefix, k = _PHONE_PLANS.get(country, _PHONE_PLANS["XX"])
        number = _strings(_digits(rng, len(rows), k))
        out[rows] = f"+{calling}{prefix}" + number.astype(str)
    return out


def id_documents(rng: np.random.Generator, n: int) -> Strings:
    """Nine-character document numbers: two letters, six letters or digits, one digit."""
    alnum = np.concatenate([_LETTERS, np.arange(ord("0"), ord("9") + 1, dtype=np.uint8)])
    chars = np.hstack(
        [
            _LETTERS[rng.integers(0, len(_LETTERS), size=(n, 2))],
            alnum[rng.integers(0, len(alnum), size=(n, 6))],
            _digits(rng, n, 1),
        ]
    )
    return _strings(chars)


class Addresses:
    """Dutch street addresses: street and number, postcode, city (as parallel arrays)."""

    def __init__(self, street: Strings, postcode: Strings, city: Strings) -> None:
        self.street = street
        self.postcode = postcode
        self.city = city


@cache
def _places() -> tuple[Strings, Strings]:
    import faker.providers.address.nl_NL as nl_address
    import faker.providers.person.nl_NL as nl_person

    provider = nl_address.Provider
    cities = np.array([c for c in provider.cities if "'" not in c], dtype=object)
    first = [n for n in nl_person.Provider.first_names if n.isalpha()]
    streets = np.array(
        [f"{name}{suffix}" for name in first for suffix in provider.street_suffixes]
        + [
            f"{s}"
            for s in (
                "Kerkstraat",
                "Dorpsstraat",
                "Stationsweg",
                "Molenweg",
                "Schoolstraat",
                "Julianastraat",
                "Beatrixstraat",
                "Wilhelminastraat",
                "Marktplein",
            )
        ],
        dtype=object,
    )
    return cities, streets


def dutch_addresses(rng: np.random.Generator, n: int) -> Addresses:
    """``n`` random Dutch addresses."""
    cities, streets = _places()
    number = rng.integers(1, 250, n).astype(str).astype(object)
    addition = np.array(["", "", "", "", "A", "B", "-1", "-2", " bis"], dtype=object)[
        rng.integers(0, 9, n)
    ]
    street = streets[rng.integers(0, len(streets), n)] + " " + number + addition
    digits = rng.integers(1011, 9999, n).astype(str).astype(object)
    letters = _LETTERS[rng.integers(0, len(_LETTERS), size=(n, 2))]
    postcode = digits + " " + _strings(letters)
    return Addresses(street, postcode, cities[rng.integers(0, len(cities), n)])
