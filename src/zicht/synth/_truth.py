"""The ground truth of a world, written to DIR/truth/ as CSV (and the scenario as YAML)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from zicht.synth._capture import interaction_matrix
from zicht.synth._exports import ExportedFile
from zicht.synth._scenario import COVARIATES, LISTS
from zicht.synth._world import World

__all__ = ["persons_table", "write_truth"]

_STRATUM = ["year", "form", "age_group", "age_band", "gender", "nationality"]


def _csv(frame: pd.DataFrame, path: Path) -> None:
    # pyarrow writes floats ten times faster than pandas; six decimals are plenty for truth
    floats = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    frame = frame.assign(**{c: frame[c].round(6) for c in floats})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


def _iso(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).fillna("")


def persons_table(world: World) -> pd.DataFrame:
    """Victims and suspects with their true covariates (one row per person)."""
    victims = world.victims.drop(columns=["form_bits", "labour_sector"]).copy()
    victims.insert(1, "kind", "victim")
    for name in LISTS:
        victims[f"captured_{name}"] = victims[f"captured_{name}"].astype(np.int8)
    victims["registered"] = victims["registered"].astype(np.int8)
    suspects = world.suspects.drop(columns=["network"]).copy()
    suspects.insert(1, "kind", "suspect")
    suspects["forms"] = suspects["form"]
    suspects["age_group"] = np.where(suspects["age"] < 18, "minor", "adult")
    persons = pd.concat(
        [
            victims.astype({c: object for c in victims.columns if victims[c].dtype == "category"}),
            suspects,
        ],
        ignore_index=True,
    )
    for column in ("date_of_birth", "prosecutor_date"):
        if column in persons:
            persons[column] = _iso(persons[column])
    return persons


def _registrations(world: World, files: list[ExportedFile]) -> pd.DataFrame:
    located = pd.concat(
        [
            pd.DataFrame(
                {
                    "source": item.source,
                    "source_record_id": item.row_ids,
                    "file": item.file,
                    "row": np.arange(1, item.rows + 1),
                }
            )
            for item in files
        ],
        ignore_index=True,
    )
    bad = pd.DataFrame(
        [
            {"file": item.file, "row": b.row, "bad_field": b.field, "bad_rule": b.rule}
            for item in files
            for b in item.bad_rows
        ],
        columns=["file", "row", "bad_field", "bad_rule"],
    )
    located = located.merge(bad, on=["file", "row"], how="left")
    located["bad_row"] = located["bad_rule"].notna().astype(np.int8)
    regs = world.registrations[
        [
            "source",
            "source_record_id",
            "record_type",
            "person_id",
            "network_id",
            "registration_date",
        ]
    ].copy()
    regs["registration_date"] = _iso(regs["registration_date"])
    table = regs.merge(located, on=["source", "source_record_id"], how="left")
    persons = persons_table(world)[
        ["person_id", "kind", "year", "form", "forms", "gender", "age_group", "nationality"]
    ].rename(columns=lambda c: c if c == "person_id" else f"true_{c}")
    return table.merge(persons, on="person_id", how="left").fillna(
        {"bad_field": "", "bad_rule": ""}
    )


def _capture_probabilities(world: World) -> pd.DataFrame:
    cfg = world.scenario.capture
    rows: list[tuple[str, str, float]] = []
    for name in LISTS:
        org = cfg.organisations[name]
        rows.append((name, "base_probability", org.base_probability))
        rows.append(
            (name, "base_logit", float(np.log(org.base_probability / (1 - org.base_probability))))
        )
        rows.extend((name, f"effect:{c}", org.effects.get(c, 0.0)) for c in COVARIATES)
        rows.extend((name, f"year_effect:{y}", v) for y, v in sorted(org.year_effects.items()))
        rows.append((name, "heterogeneity_loading", org.heterogeneity_loading))
        by_year = world.victims.groupby("year")[f"p_{name}"].mean()
        rows.extend((name, f"mean_probability:{y}", float(v)) for y, v in by_year.items())
        rows.append((name, "mean_probability:all", float(world.victims[f"p_{name}"].mean())))
    rows.extend(("all", f"year_effect:{y}", v) for y, v in sorted(cfg.year_effects.items()))
    rows.append(("all", "heterogeneity_sd", cfg.heterogeneity_sd))
    g = interaction_matrix(cfg)
    for j in range(len(LISTS)):
        for k in range(j + 1, len(LISTS)):
            if g[j, k] != 0:
                rows.append((f"{LISTS[j]}~{LISTS[k]}", "log_odds_ratio", float(g[j, k])))
    return pd.DataFrame(rows, columns=["organisation", "term", "value"])


def _prosecutor(world: World) -> pd.DataFrame:
    regs = world.registrations[world.registrations["record_type"] == "suspect_registration"]
    first = regs.groupby("person_id")["registration_date"].min()
    registered = pd.DatetimeIndex(first).year.value_counts()
    om = pd.DatetimeIndex(world.suspects["prosecutor_date"].dropna()).year.value_counts()
    years = range(world.years[0], world.years[1] + 2)
    return pd.DataFrame(
        {
            "year": list(years),
            "suspects_registered": [int(registered.get(y, 0)) for y in years],
            "suspects_to_prosecutor": [int(om.get(y, 0)) for y in years],
        }
    )


def write_truth(world: World, files: list[ExportedFile], truth_dir: Path) -> None:
    """Write every truth file of ``world`` under ``truth_dir``."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _csv(_registrations(world, files), truth_dir / "registrations.csv")
    _csv(persons_table(world), truth_dir / "persons.csv")
    _csv(world.networks, truth_dir / "networks.csv")
    victims = world.victims.astype({c: str for c in _STRATUM if c != "year"})
    strata = victims.groupby(_STRATUM, sort=True).size().reset_index(name="count")
    _csv(strata, truth_dir / "victims_by_stratum.csv")
    by_year = (
        victims.groupby("year")
        .agg(victims=("person_id", "size"), registered=("registered", "sum"))
        .reset_index()
    )
    by_year["unregistered"] = by_year["victims"] - by_year["registered"]
    _csv(by_year, truth_dir / "victims_by_year.csv")
    _csv(_capture_probabilities(world), truth_dir / "capture_probabilities.csv")
    _csv(_prosecutor(world), truth_dir / "prosecutor_by_year.csv")
    (truth_dir / "scenario.yaml").write_text(world.scenario.to_yaml(), encoding="utf-8")
    for year in range(world.years[0], world.years[1] + 1):
        _csv(world.capture_histories(year), truth_dir / f"capture_histories_{year}.csv")
    _csv(world.capture_histories(), truth_dir / "capture_histories_all.csv")
