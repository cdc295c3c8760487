"""The victims of the world: who they are, when and how they were exploited."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.standard import FORMS, MEANS_OF_CONTROL, SECTORS, age_band
from zicht.synth._scenario import Population

__all__ = ["category", "choose", "joined_codes", "lookup", "simulate_victims"]

Index = npt.NDArray[np.int64]
_OTHER_GENDERS = ("transgender_female", "transgender_male", "non_conforming", "unknown")
_FORM_SECTOR = {
    "sexual_domestic": "sex_industry",
    "sexual_cross_border": "sex_industry",
    "criminal": "illicit_activities",
}
_BAND_EDGES = np.array([0, 9, 18, 21, 24, 27, 30, 39, 48])
_BANDS = np.array([age_band(int(edge)) for edge in _BAND_EDGES], dtype=object)


def _ids(prefix: str, n: int) -> pd.Series:
    """Ids prefix + seven digits, 1..n."""
    return prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)


def choose(rng: np.random.Generator, weights: dict[str, float], n: int) -> npt.NDArray[np.object_]:
    """``n`` draws of the keys of ``weights`` (relative weights), as an object array."""
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def joined_codes(bits: Index, codes: tuple[str, ...]) -> npt.NDArray[np.object_]:
    """ ";"-joined codes for bit masks over ``codes`` (bit k = codes[k]), one per mask."""
    unique, inverse = np.unique(bits, return_inverse=True)
    labels = np.array(
        [";".join(code for k, code in enumerate(codes) if (int(mask) >> k) & 1) for mask in unique],
        dtype=object,
    )
    return labels[inverse.reshape(-1)]


def lookup(
    values: npt.NDArray[np.object_], table: dict[str, float], default: float
) -> npt.NDArray[np.float64]:
    """``table[value]`` for each value (``default`` where absent), via the distinct values."""
    codes, uniques = pd.factorize(values)
    found = np.array([table.get(str(u), default) for u in uniques] + [default], dtype=float)
    result: npt.NDArray[np.float64] = found[codes]  # code -1 (missing) takes the default
    return result


def category(values: npt.NDArray[np.object_]) -> pd.Categorical:
    """A categorical with sorted categories, built through the distinct values."""
    codes, uniques = pd.factorize(values, sort=True)
    return pd.Categorical.from_codes(codes, categories=[str(u) for u in uniques])


def _bits(values: npt.NDArray[np.object_], codes: tuple[str, ...]) -> Index:
    position = {code: float(1 << k) for k, code in enumerate(codes)}
    return lookup(values, position, 0.0).astype(np.int64)


def _forms(
    rng: np.random.Generator, pop: Population, nationality: npt.NDArray[np.object_]
) -> npt.NDArray[np.object_]:
    form_codes = list(pop.forms)
    base = np.array([pop.forms[f] for f in form_codes])
    primary = np.empty(len(nationality), dtype=object)
    for nat in sorted(set(nationality.tolist())):
        rows = np.flatnonzero(nationality == nat)
        tilt = pop.form_tilt_by_nationality.get(nat, {})
        weights = base * np.array([tilt.get(f, 1.0) for f in form_codes])
        primary[rows] = np.array(form_codes, dtype=object)[
            rng.choice(len(form_codes), size=len(rows), p=weights / weights.sum())
        ]
    return primary


def simulate_victims(
    pop: Population, n: int, years: tuple[int, int], rng: np.random.Generator
) -> pd.DataFrame:
    """``n`` victims over ``years`` (inclusive) with their true covariates."""
    year_list = list(range(years[0], years[1] + 1))
    year_weights = {str(y): pop.year_weights.get(y, 1.0) for y in year_list}
    year = choose(rng, year_weights, n).astype(np.int64)
    year.sort(kind="stable")  # persons ordered by year: ids increase with time
    nationality = choose(rng, pop.nationalities, n)
    form = _forms(rng, pop, nationality)

    form_bits = _bits(form, FORMS.codes)
    second = choose(rng, pop.forms, n)
    has_second = (rng.random(n) < pop.second_form_share) & (second != form)
    form_bits |= np.where(has_second, _bits(second, FORMS.codes), 0)

    female_share = lookup(form, pop.female_share_by_form, 0.5)
    gender = np.where(rng.random(n) < female_share, "female", "male").astype(object)
    other = rng.random(n) < pop.other_gender_share
    gender[other] = np.array(_OTHER_GENDERS, dtype=object)[rng.integers(0, 4, other.sum())]

    minor_share = lookup(form, pop.minor_share_by_form, 0.1)
    minor = rng.random(n) < minor_share
    ages = pop.age
    adult_age = 18 + rng.gamma(ages.adult_shape, (ages.adult_mean - 18) / ages.adult_shape, n)
    age = np.where(
        minor,
        rng.integers(ages.minor_min, 18, n),
        np.minimum(adult_age.astype(np.int64), ages.adult_max),
    )
    # born so that the age on 1 July of the year of exploitation is `age`
    july = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + np.timedelta64(181, "D")
    dob = (
        july
        - (age * 365.25).astype("timedelta64[D]")
        - rng.integers(0, 365, n).astype("timedelta64[D]")
    )

    abroad = rng.random(n) < pop.exploited_abroad_share
    country = np.where(abroad, choose(rng, pop.countries_abroad, n), "NL").astype(object)

    sector_bits = np.zeros(n, dtype=np.int64)
    labour_choice = choose(rng, pop.labour_sectors, n)
    labour_sector = _bits(labour_choice, SECTORS.codes)
    for form_code, sector in _FORM_SECTOR.items():
        has = (form_bits >> FORMS.codes.index(form_code)) & 1 == 1
        sector_bits |= np.where(has, 1 << SECTORS.codes.index(sector), 0)
    has_labour = (form_bits >> FORMS.codes.index("labour")) & 1 == 1
    sector_bits |= np.where(has_labour, labour_sector, 0)

    moc_bits = np.zeros(n, dtype=np.int64)
    for code, share in pop.means_of_control.items():
        moc_bits |= np.where(rng.random(n) < share, 1 << MEANS_OF_CONTROL.codes.index(code), 0)

    relation = np.empty(n, dtype=object)
    for form_code in FORMS.codes:
        rows = np.flatnonzero(form == form_code)
        weights = pop.recruiter_relation_by_form.get(
            form_code, pop.recruiter_relation_by_form["default"]
        )
        relation[rows] = choose(rng, weights, len(rows))

    return pd.DataFrame(
        {
            "person_id": _ids("V", n),
            "year": year.astype(np.int16),
            "form": category(form),
            "forms": category(joined_codes(form_bits, FORMS.codes)),
            "sectors": category(joined_codes(sector_bits, SECTORS.codes)),
            "means_of_control": category(joined_codes(moc_bits, MEANS_OF_CONTROL.codes)),
            "gender": category(gender),
            "age": age.astype(np.int16),
            "age_group": category(np.where(age < 18, "minor", "adult").astype(object)),
            "age_band": category(_BANDS[np.searchsorted(_BAND_EDGES, age, side="right") - 1]),
            "nationality": category(nationality),
            "country_of_exploitation": category(country),
            "recruiter_relation": category(relation),
            "date_of_birth": dob,
            "labour_sector": category(np.where(has_labour, labour_choice, "").astype(object)),
            "form_bits": form_bits,
        }
    )
