"""Reports (meldingen): signals received by FairWork and the labour inspectorate."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.synth._identifiers import dutch_addresses, phone_numbers
from zicht.synth._names import name_table
from zicht.synth._population import choose
from zicht.synth._registrations import year_start
from zicht.synth._scenario import Reports

__all__ = ["simulate_reports"]

_FAIRWORK_CHANNELS = {
    "phone": 0.35,
    "chat": 0.25,
    "online_form": 0.2,
    "email": 0.1,
    "in_person": 0.1,
}
_INSPECTORATE_CHANNELS = {"online_form": 0.4, "phone": 0.25, "inspection": 0.2, "email": 0.15}
_INSPECTORATE_REPORTERS = {
    "third_party": 0.35,
    "professional": 0.3,
    "anonymous": 0.25,
    "victim": 0.1,
}


def _reporter_names(rng: np.random.Generator, n: int) -> npt.NDArray[np.object_]:
    table = name_table()
    low = table.given_slices[("NL", "f")][0]
    high = table.given_slices[("NL", "m")][1]  # the Dutch female and male pools are adjacent
    family_low, family_high = table.family_slices[("NL", "f")]
    given = table.given[rng.integers(low, high, n), 0]
    family = table.family[rng.integers(family_low, family_high, n), 0]
    names: npt.NDArray[np.object_] = (given + " " + family).astype(object)
    return names


def simulate_reports(
    cfg: Reports,
    victims: pd.DataFrame,
    victim_registrations: pd.DataFrame,
    networks: pd.DataFrame,
    years: tuple[int, int],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Reports by FairWork (tied to victims) and the inspectorate (tied to networks)."""
    # FairWork: a report before the first registration of some of its victims
    fairwork = victim_registrations[
        (victim_registrations["source"] == "fairwork") & (victim_registrations["number"] == 0)
    ]
    fairwork = fairwork[rng.random(len(fairwork)) < cfg.fairwork_per_victim]
    person = fairwork["person"].to_numpy(np.int64)
    earliest = year_start(victims["year"].to_numpy(np.int64)[person])
    day = fairwork["registration_date"].to_numpy().astype("datetime64[D]") - rng.integers(
        0, 61, len(person)
    ).astype("timedelta64[D]")
    reporter = choose(rng, {"victim": 0.6, "third_party": 0.2, "professional": 0.2}, len(person))
    fw = pd.DataFrame(
        {
            "source": "fairwork",
            "person": person,
            "network": -1,
            "registration_date": np.maximum(day, earliest),
            "forms": victims["forms"].astype(str).to_numpy(object)[person],
            "sectors": victims["sectors"].astype(str).to_numpy(object)[person],
            "channel": choose(rng, _FAIRWORK_CHANNELS, len(person)),
            "reporter_kind": reporter,
            "persons_involved": 1,
        }
    )

    # the inspectorate: reports about labour networks, and unfounded ones
    labour = networks.index[networks["form"] == "labour"].to_numpy(np.int64)
    reported = labour[rng.random(len(labour)) < cfg.inspectorate_per_labour_network]
    unfounded = int(rng.poisson(cfg.inspectorate_unfounded_per_network * max(len(labour), 1)))
    start = year_start(networks["first_year"].to_numpy(np.int64)[reported])
    day = start + rng.integers(0, 365, len(reported)).astype("timedelta64[D]")
    span = year_start(np.array([years[1] + 1])) - year_start(np.array([years[0]]))
    unfounded_day = year_start(np.full(unfounded, years[0])) + (
        rng.random(unfounded) * span.astype(np.int64)
    ).astype("timedelta64[D]")
    victims_in = networks["victims"].to_numpy(np.int64)[reported]
    sector = networks["sector"].to_numpy(object)[reported]
    sectors = np.concatenate(
        [
            sector,
            choose(
                rng, {"agriculture": 1, "logistics": 1, "hospitality": 1, "cleaning": 1}, unfounded
            ),
        ]
    )
    n = len(reported) + unfounded
    ins = pd.DataFrame(
        {
            "source": "inspectorate",
            "person": -1,
            "network": np.concatenate([reported, np.full(unfounded, -1)]),
            "registration_date": np.concatenate([day, unfounded_day]),
            "forms": "labour",
            "sectors": sectors,
            "channel": choose(rng, _INSPECTORATE_CHANNELS, n),
            "reporter_kind": choose(rng, _INSPECTORATE_REPORTERS, n),
            "persons_involved": np.concatenate(
                [
                    np.maximum(victims_in + rng.integers(-1, 4, len(reported)), 1),
                    rng.integers(1, 6, unfounded),
                ]
            ),
        }
    )
    ins["municipality"] = np.concatenate(
        [networks["city"].to_numpy(object)[reported], dutch_addresses(rng, unfounded).city]
    )
    reports = pd.concat([fw, ins], ignore_index=True)
    total = len(reports)
    anonymous = reports["reporter_kind"].to_numpy(object) == "anonymous"
    names = _reporter_names(rng, total)
    names[anonymous] = ""
    phones = phone_numbers(rng, np.full(total, "NL", dtype=object))
    phones[anonymous | (rng.random(total) < 0.3)] = ""
    reports["reporter_name"] = names
    reports["reporter_phone"] = phones
    reports["reporter_email"] = ""
    sector_text = reports["sectors"].astype(str).str.replace(";", ", ").replace("", "onbekend")
    reports["description"] = (
        "Signaal van mogelijke uitbuiting (sector: "
        + sector_text
        + "); "
        + reports["persons_involved"].astype(str)
        + " betrokkene(n)."
    )
    if "municipality" not in reports:
        reports["municipality"] = ""
    reports["municipality"] = reports["municipality"].fillna("")
    return reports
