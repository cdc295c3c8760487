"""Name lists by nationality, with transliteration variants and nicknames.

Given and family names come from faker's locale providers (extracted once), plus small
lists of our own where faker has none (Moroccan) or where it lacks the common Dutch
family names with a prefix (tussenvoegsel). Every name has ``VARIANTS`` spellings:
index 0 is how an identity document would spell it in Latin script, the others are
spellings seen in registrations (another transliteration scheme, diacritics dropped or
folded, Chinese syllables split).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from anyascii import anyascii

__all__ = ["VARIANTS", "NameTable", "name_table"]

VARIANTS = 4
FAMILY_FIRST = frozenset({"CN", "VN"})

_DUTCH_FAMILY = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "de Lange",
    "van Wijk",
    "Kuipers",
)
_MOROCCAN = (
    (
        "Fatima",
        "Khadija",
        "Aicha",
        "Naima",
        "Samira",
        "Nadia",
        "Malika",
        "Latifa",
        "Souad",
        "Hanane",
        "Meryem",
        "Salma",
        "Imane",
        "Sanae",
        "Houda",
        "Rachida",
        "Zineb",
        "Loubna",
        "Ikram",
        "Hafsa",
        "Soumaya",
        "Nora",
        "Siham",
        "Yasmina",
    ),
    (
        "Mohamed",
        "Ahmed",
        "Youssef",
        "Mustapha",
        "Abdelkader",
        "Rachid",
        "Said",
        "Hassan",
        "Karim",
        "Hamza",
        "Mehdi",
        "Khalid",
        "Omar",
        "Driss",
        "Brahim",
        "Nordin",
        "Achraf",
        "Bilal",
        "Ayoub",
        "Soufiane",
        "Abdellah",
        "Mourad",
        "Nabil",
        "Redouane",
    ),
    (
        "El Amrani",
        "Benali",
        "El Idrissi",
        "Bouazza",
        "Ouali",
        "El Khattabi",
        "Azzouzi",
        "Boukhari",
        "Chaoui",
        "El Haddadi",
        "Amrani",
        "Tahiri",
        "Bennani",
        "Berrada",
        "Alaoui",
        "El Fassi",
        "Ziani",
        "Ait Ahmed",
        "Bakkali",
        "Mansouri",
        "Lahlou",
        "Ouahbi",
        "Saidi",
        "Haddou",
        "Ouchen",
        "El Ouardi",
        "Boujdid",
        "Aharrar",
        "El Mokhtari",
        "Azougagh",
    ),
)
_NICKNAMES = {
    "Johannes": "Jan",
    "Cornelis": "Kees",
    "Hendrik": "Henk",
    "Pieter": "Piet",
    "Jacobus": "Koos",
    "Jacob": "Jaap",
    "Gerrit": "Gert",
    "Willem": "Wim",
    "Alexander": "Sander",
    "Catharina": "Toos",
    "Elisabeth": "Lies",
    "Cornelia": "Corrie",
    "Johanna": "Anneke",
    "Wilhelmina": "Mien",
    "Sebastiaan": "Bas",
    "Bastiaan": "Bas",
    "Maximilian": "Max",
    "Aleksandra": "Ola",
    "Katarzyna": "Kasia",
    "Małgorzata": "Gosia",
    "Wojciech": "Wojtek",
    "Krzysztof": "Krzysiek",
    "Aleksander": "Olek",
    "Agnieszka": "Aga",
    "Elżbieta": "Ela",
    "Bartłomiej": "Bartek",
    "Tomasz": "Tomek",
    "Mateusz": "Mati",
    "Stanisław": "Staszek",
    "Gheorghe": "Gigel",
    "Ionuț": "Ionel",
    "Alexandru": "Alex",
    "Mihai": "Mihăiță",
    "István": "Pista",
    "Erzsébet": "Erzsi",
    "László": "Laci",
    "József": "Jóska",
    "Katalin": "Kati",
    "Olexandr": "Sasha",
    "Олександр": "Саша",
    "Володимир": "Вова",
    "Олена": "Лена",
    "Георги": "Гошо",
    "Димитър": "Митко",
    "Йордан": "Данчо",
    "Oluwaseun": "Seun",
    "Oluwaseyi": "Seyi",
    "Chukwuemeka": "Emeka",
    "Oluwadamilare": "Dami",
    "Mohamed": "Mo",
    "Abdelkader": "Kader",
    "Youssef": "Yous",
    "Mustafa": "Musti",
    "Mehmet": "Memo",
    "José": "Zé",
    "Francisco": "Chico",
    "Antônio": "Toninho",
    "Elizabeth": "Liz",
    "Alexandra": "Sasha",
    "Rebecca": "Becky",
}
_CYRILLIC_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "ъ": "a",
    "'": "",
    "ʼ": "",
    "ё": "io",
    "ы": "y",
    "э": "e",
}
# Overrides per scheme: Bulgarian official, English-style, German-style, French-style.
_CYRILLIC_SCHEMES = {
    "bg_official": {
        "г": "g",
        "и": "i",
        "й": "y",
        "щ": "sht",
        "ю": "yu",
        "я": "ya",
        "х": "h",
        "ь": "y",
    },
    "english": {"г": "g", "й": "y", "є": "ye", "ю": "yu", "я": "ya", "ї": "yi", "и": "i"},
    "german": {
        "г": "g",
        "ж": "sch",
        "з": "s",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "й": "j",
        "ю": "ju",
        "я": "ja",
        "є": "je",
        "в": "w",
        "ъ": "ă",
    },
    "french": {
        "г": "g",
        "ж": "j",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "у": "ou",
        "ю": "iou",
        "й": "i",
        "и": "i",
        "ъ": "e",
    },
}
_GERMAN_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ő": "oe",
        "ű": "ue",
        "ß": "ss",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
    }
)
_PHONETIC_FOLD = str.maketrans(
    {
        "ş": "sh",
        "ș": "sh",
        "Ş": "Sh",
        "Ș": "Sh",
        "ç": "ch",
        "Ç": "Ch",
        "ț": "ts",
        "ţ": "ts",
        "Ț": "Ts",
        "ğ": "gh",
        "ı": "i",
        "ł": "l",
    }
)


@dataclass(frozen=True)
class NameTable:
    """All names in one table; persons hold indices into it.

    ``given[i, v]`` is spelling ``v`` of given name ``i``. ``given_slices[(nat, sex)]``
    is the index range of that pool (sex "f" or "m"); the same for family names.
    """

    given: npt.NDArray[np.object_]
    family: npt.NDArray[np.object_]
    nickname: npt.NDArray[np.object_]
    given_slices: dict[tuple[str, str], tuple[int, int]]
    family_slices: dict[tuple[str, str], tuple[int, int]]
    given_ascii: npt.NDArray[np.object_]
    family_ascii: npt.NDArray[np.object_]

    def pool(self, nationality: str) -> str:
        """The name pool used for a nationality (generic for those without one)."""
        return nationality if (nationality, "f") in self.given_slices else "XX"


def _provider(locale: str) -> type:
    module = importlib.import_module(f"faker.providers.person.{locale}")
    return module.Provider  # type: ignore[no-any-return]


def _names(locale: str, attribute: str) -> list[str]:
    values = getattr(_provider(locale), attribute)
    return [str(v) for v in values]  # OrderedDict keys or tuples, in their defined order


def _dedupe(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def _feminine_polish(name: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return name


def _pools() -> dict[
    str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
]:
    """(female given, male given, female family, male family) per pool."""
    pools = {}
    dutch_family = [n for n in _names("nl_NL", "last_names") if " " not in n and "'" not in n]
    # the common names six times over, so that they are drawn more often
    nl_family = (*_DUTCH_FAMILY * 6, *_dedupe(dutch_family))
    pools["NL"] = (
        _dedupe([*_names("nl_NL", "first_names_female"), "Johanna", "Wilhelmina", "Cornelia"]),
        _dedupe([*_names("nl_NL", "first_names_male"), "Johannes", "Cornelis", "Pieter", "Willem"]),
        nl_family,
        nl_family,
    )
    pl_male = _dedupe(
        _names("pl_PL", "male_last_names") + _names("pl_PL", "unisex_last_names")[:300]
    )
    pools["PL"] = (
        _dedupe([*_names("pl_PL", "first_names_female"), "Katarzyna", "Małgorzata", "Aleksandra"]),
        _dedupe([*_names("pl_PL", "first_names_male"), "Bartłomiej"]),
        tuple(_feminine_polish(n) for n in pl_male),
        pl_male,
    )
    for nat, locale in (
        ("RO", "ro_RO"),
        ("HU", "hu_HU"),
        ("TR", "tr_TR"),
        ("BR", "pt_BR"),
        ("IN", "en_IN"),
        ("XX", "en_GB"),
    ):
        family = _dedupe(_names(locale, "last_names"))
        pools[nat] = (
            _dedupe(_names(locale, "first_names_female")),
            _dedupe(_names(locale, "first_names_male")),
            family,
            family,
        )
    for nat, locale in (("BG", "bg_BG"), ("UA", "uk_UA")):
        pools[nat] = (
            _dedupe(_names(locale, "first_names_female")),
            _dedupe(_names(locale, "first_names_male")),
            _dedupe(_names(locale, "last_names_female")),
            _dedupe(_names(locale, "last_names_male")),
        )
    ng = ("yo_NG", "ig_NG", "ha_NG", "en_NG")
    ng_family = _dedupe([n for loc in ng for n in _names(loc, "last_names")])
    pools["NG"] = (
        _dedupe([n for loc in ng for n in _names(loc, "first_names_female")]),
        _dedupe([n for loc in ng for n in _names(loc, "first_names_male")]),
        ng_family,
        ng_family,
    )
    vn_family = _dedupe(_names("vi_VN", "last_names"))
    pools["VN"] = (
        _dedupe([f"Thị {n}" for n in _names("vi_VN", "first_names_female")]),
        _dedupe(
            [
                f"{m} {n}"
                for m in ("Văn", "Đức", "Minh")
                for n in _names("vi_VN", "first_names_male")
            ]
        ),
        vn_family,
        vn_family,
    )
    cn_family = _dedupe(_names("zh_CN", "last_names"))
    pools["CN"] = (
        _dedupe(_names("zh_CN", "first_names_female")),
        _dedupe(_names("zh_CN", "first_names_male")),
        cn_family,
        cn_family,
    )
    pools["MA"] = (_MOROCCAN[0], _MOROCCAN[1], _MOROCCAN[2], _MOROCCAN[2])
    pools["SY"] = pools["MA"]
    return pools


_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def _cyrillic(name: str, scheme: str | None) -> str:
    table = {**_CYRILLIC_COMMON, **(_CYRILLIC_SCHEMES[scheme] if scheme else {})}
    lower = name.lower()
    # the official Ukrainian system (KMU 2010) writes initial є ї й ю я as ye yi y yu ya
    head = _INITIAL.get(lower[:1], table.get(lower[:1], lower[:1])) if scheme is None else ""
    latin = head + "".join(table.get(ch, ch) for ch in (lower[1:] if scheme is None else lower))
    return "-".join(part.title() for part in latin.split("-"))


def _variants(name: str, nationality: str) -> tuple[str, ...]:
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        official = "bg_official" if nationality == "BG" else None
        return (
            _cyrillic(name, official),
            _cyrillic(name, "english"),
            _cyrillic(name, "german"),
            _cyrillic(name, "french"),
        )
    if nationality == "CN":
        syllables = [anyascii(ch).lower() for ch in name]
        joined = "".join(syllables).capitalize()
        wade = joined.replace("zh", "ch").replace("x", "hs").replace("q", "ch").capitalize()
        if wade.startswith("X"):
            wade = "Hs" + wade[1:]
        split = [syllable.capitalize() for syllable in syllables]
        return (joined, " ".join(split), "-".join(split), wade)
    if nationality in ("MA", "SY"):
        spelled = name.replace("Mohamed", "Mohammed").replace("Youssef", "Yusuf")
        return (name, spelled, name.replace("ou", "u").replace("El ", "El-"), name.replace(" ", ""))
    stripped = anyascii(name)
    german = anyascii(name.translate(_GERMAN_FOLD))
    phonetic = anyascii(name.translate(_PHONETIC_FOLD))
    if nationality == "NL":
        words = name.split(" ")
        if len(words) > 1 and words[0].islower():
            # a family name with a prefix (tussenvoegsel): "van den Berg"
            prefix, core = " ".join(words[:-1]), words[-1]
            return (
                name,
                prefix.capitalize() + " " + core,
                f"{core}, {prefix}",
                name.replace(" ", ""),
            )
        phonetic = stripped.replace("ij", "y").replace("IJ", "Y")
    return (name, stripped, german, phonetic)


def _ascii_lower(names: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Lower-case ASCII letters only (for e-mail addresses)."""
    return np.array(
        ["".join(ch for ch in anyascii(str(name)).lower() if "a" <= ch <= "z") for name in names],
        dtype=object,
    )


@cache
def name_table() -> NameTable:
    """The name table (built once per process; deterministic)."""
    given: list[tuple[str, ...]] = []
    family: list[tuple[str, ...]] = []
    nicknames: list[str] = []
    given_slices: dict[tuple[str, str], tuple[int, int]] = {}
    family_slices: dict[tuple[str, str], tuple[int, int]] = {}
    for nat, (given_f, given_m, family_f, family_m) in _pools().items():
        for sex, names in (("f", given_f), ("m", given_m)):
            start = len(given)
            for name in names:
                given.append(_variants(name, nat))
                nick = _NICKNAMES.get(name, "")
                nicknames.append(_variants(nick, nat)[0] if nick else "")
            given_slices[(nat, sex)] = (start, len(given))
        for sex, names in (("f", family_f), ("m", family_m)):
            start = len(family)
            family.extend(_variants(name, nat) for name in names)
            family_slices[(nat, sex)] = (start, len(family))
    given_array = np.empty((len(given), VARIANTS), dtype=object)
    given_array[:] = given
    family_array = np.empty((len(family), VARIANTS), dtype=object)
    family_array[:] = family
    return NameTable(
        given_ascii=_ascii_lower(given_array[:, 1]),
        family_ascii=_ascii_lower(family_array[:, 1]),
        given=given_array,
        family=family_array,
        nickname=np.array(nicknames, dtype=object),
        given_slices=given_slices,
        family_slices=family_slices,
    )
