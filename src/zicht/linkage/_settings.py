"""The Splink model: comparisons of the standard's identity fields and blocking rules.

Comparisons are chosen from the columns a linkage table actually fills: a field that
almost no partner records (say, e-mail) adds no comparison, so that EM never has to
estimate parameters it has no data for. Level order matters: Splink assigns a pair to
the first level whose condition holds, so stronger evidence comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

__all__ = [
    "MIN_COVERAGE",
    "ModelSpec",
    "model_spec",
    "settings_creator",
    "trained_settings",
    "with_trained_parameters",
]

MIN_COVERAGE = 0.01
"""A field needs this share of filled values to get a comparison."""


def _token_count(column: str) -> str:
    return f"(length({column}) - length(replace({column}, ' ', '')))"


def _names_split_differently() -> Any:
    # "Anna Maria | Jansen" and "Anna | Maria Jansen": a source that keeps the whole
    # name in one column splits it its own way; all name tokens, sorted, still agree.
    # Only where the split differs (token counts), so that it never stands in for a
    # plainly similar given name ("Anna Jansen", "Anne Jansen").
    return cll.And(
        cll.JaroWinklerLevel("name_sorted", 0.92),
        cll.CustomLevel(f"{_token_count('given_name_l')} <> {_token_count('given_name_r')}"),
    ).configure(label_for_charts="All name tokens similar, split differently")


def _swapped(condition: str, label: str, column: str) -> Any:
    # A swapped name is the same name as an exact match, so it gets the same correction
    # for how common the name is: without it "Lachlan Nguyen" and "Nguyen Lachlan"
    # weighed more than two exact "Lachlan Nguyen"s, and namesakes born on other dates
    # were linked through a swap (FEBRL4). The term frequency is the larger of the two
    # records' (Splink's rule), i.e. that of the name where it sits as usual.
    return cll.CustomLevel(condition, label_for_charts=label).configure(
        tf_adjustment_column=column, tf_adjustment_weight=1.0
    )


def _given_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given names",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            _swapped("given_name_l = family_name_r", "Given = other's family name", "given_name"),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.CustomLevel(
                "given_phonetic_l = given_phonetic_r", label_for_charts="Same metaphone"
            ),
            cll.ExactMatchLevel("given_first").configure(label_for_charts="Same first given name"),
            cll.CustomLevel(
                "(length(given_name_l) = 1 OR length(given_name_r) = 1) "
                "AND given_initial_l = given_initial_r",
                label_for_charts="An initial that agrees",
            ),
            _names_split_differently(),
            cll.JaroWinklerLevel("given_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            _swapped("family_name_l = given_name_r", "Family = other's given name", "family_name"),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.CustomLevel(
                "family_phonetic_l = family_phonetic_r", label_for_charts="Same metaphone"
            ),
            _names_split_differently(),
            cll.JaroWinklerLevel("family_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.CustomLevel(
                "birth_year_l IS NULL OR birth_year_r IS NULL", label_for_charts="Unknown"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Exact date"),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r "
                "AND birth_day_l = birth_month_r",
                label_for_charts="Day and month swapped",
            ),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="One digit differs or two swapped"
            ),
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL) AND birth_year_l = birth_year_r",
                label_for_charts="Only the year known, equal",
            ),
            cll.LevenshteinLevel("dob", 2).configure(label_for_charts="Two digits differ"),
            cll.CustomLevel(
                "abs(birth_year_l - birth_year_r) <= 1", label_for_charts="Year within one"
            ),
            cll.ElseLevel(),
        ],
    )


def _exact(column: str, description: str, *, tf: bool = False) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
            cll.ElseLevel(),
        ],
    )


def _typo(column: str, description: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1).configure(
                label_for_charts="One character differs or two swapped"
            ),
            cll.ElseLevel(),
        ],
    )


def _address() -> cl.CustomComparison:
    # Street, postcode and city are one comparison: they are too dependent on each
    # other for the independence assumption of Fellegi-Sunter to hold across them.
    unknown = " OR ".join(
        f"(address_{side} IS NULL AND postcode_{side} IS NULL AND city_{side} IS NULL)"
        for side in ("l", "r")
    )
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address, postcode and city",
        comparison_levels=[
            cll.CustomLevel(unknown, label_for_charts="Unknown").configure(is_null_level=True),
            cll.ExactMatchLevel("address").configure(label_for_charts="Same street address"),
            cll.JaroWinklerLevel("address", 0.9).configure(
                label_for_charts="Street address similar"
            ),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ExactMatchLevel("city", term_frequency_adjustments=True).configure(
                label_for_charts="Same city"
            ),
            cll.ElseLevel(),
        ],
    )


def _place_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="place_of_birth",
        comparison_description="Place of birth",
        comparison_levels=[
            cll.NullLevel("place_of_birth"),
            cll.ExactMatchLevel("place_of_birth", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("place_of_birth", 0.9).configure(
                label_for_charts="Place of birth similar"
            ),
            cll.ElseLevel(),
        ],
    )


@dataclass(frozen=True)
class ModelSpec:
    """Which comparisons and blocking rules a linkage run uses (by name)."""

    comparisons: tuple[str, ...]
    prediction_rules: tuple[tuple[str, ...], ...]
    training_rules: tuple[tuple[str, ...], ...]
    deterministic_rules: tuple[tuple[str, ...], ...]


# name -> (columns that must be filled, factory)
_COMPARISONS: dict[str, tuple[tuple[str, ...], Any]] = {
    "given_name": (("given_name",), _given_name),
    "family_name": (("family_name",), _family_name),
    "date_of_birth": (("birth_year",), _date_of_birth),
    "nationality": (("nationality",), lambda: _exact("nationality", "Nationality", tf=True)),
    "gender": (("gender",), lambda: _exact("gender", "Gender")),
    "phone": (("phone",), lambda: _typo("phone", "Phone number")),
    "email": (("email",), lambda: _exact("email", "E-mail address")),
    "id_document": (("id_document",), lambda: _typo("id_document", "Identity document")),
    "national_id": (
        ("national_id",),
        lambda: _typo("national_id", "National identification number and issuing country"),
    ),
    "bank_account": (("bank_account",), lambda: _exact("bank_account", "Bank account")),
    "address": (("address", "postcode", "city"), _address),
    "place_of_birth": (("place_of_birth",), _place_of_birth),
}

_PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("name_sorted",),
    ("family_phonetic", "birth_year"),
    ("given_phonetic", "birth_year"),
    ("dob", "given_phonetic"),
    ("dob", "family_phonetic"),
    ("dob", "given_initial"),
    ("dob", "family_initial"),
    ("given_phonetic", "family_phonetic"),
    ("dob", "postcode"),
    ("address", "postcode"),
    ("phone",),
    ("id_document",),
    ("national_id",),
    ("email",),
    ("bank_account",),
    ("postcode", "given_phonetic"),
    ("name_phonetic_sorted", "birth_year"),
)
_TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("dob",),
    ("given_name", "family_name"),
    ("postcode", "birth_year"),
    ("phone",),
)
_DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("given_name", "family_name", "dob"),
    ("id_document",),
    ("national_id",),
    ("phone", "given_name"),
)


_RETIRED = frozenset({"nationality", "gender"})
"""Comparisons new models leave out (kept so that older stored models still load).

Nationality and gender follow from the name itself (names are national and
gendered): their agreement on two records with the same name counts the name twice,
which breaks the conditional independence of Fellegi-Sunter and lets EM take
namesakes for matches (on the three-source benchmark the m probability of "date of
birth differs" came out 0.044 instead of 0.002, and pairwise precision 0.875
instead of 0.958; see docs/linkage.md).
"""


def _filled(table: pd.DataFrame, columns: Sequence[str]) -> bool:
    if len(table) == 0:
        return False
    coverage = max(float(table[c].notna().mean()) for c in columns)
    return coverage >= MIN_COVERAGE and any(table[c].nunique() > 1 for c in columns)


def model_spec(table: pd.DataFrame) -> ModelSpec:
    """The comparisons and rules that fit the filled columns of a linkage table."""
    comparisons = tuple(
        name
        for name, (columns, _factory) in _COMPARISONS.items()
        if name not in _RETIRED and _filled(table, columns)
    )

    def usable(rules: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(r for r in rules if all(_filled(table, (c,)) for c in r))

    def leaves_something_to_estimate(rule: tuple[str, ...]) -> bool:
        # EM estimates the comparisons a rule does not block on; it needs one at least.
        return any(not set(_COMPARISONS[name][0]) & set(rule) for name in comparisons)

    return ModelSpec(
        comparisons=comparisons,
        prediction_rules=usable(_PREDICTION_RULES),
        training_rules=tuple(r for r in usable(_TRAINING_RULES) if leaves_something_to_estimate(r)),
        deterministic_rules=usable(_DETERMINISTIC_RULES),
    )


def settings_creator(spec: ModelSpec) -> SettingsCreator:
    """Splink settings (untrained) for a model spec: a deduplication of all registrations."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[_COMPARISONS[name][1]() for name in spec.comparisons],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in spec.prediction_rules],
        additional_columns_to_retain=["source"],
        # Each level's match weight is kept with each pair for explanations (the level
        # itself is read off it: `zicht.linkage._train._level_sql`).
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )


_TRAINED_KEYS = ("m_probability", "u_probability")


def trained_settings(
    model: dict[str, Any], dialect: str, spec: ModelSpec | None = None
) -> dict[str, Any]:
    """A trained model's settings rewritten for another SQL dialect.

    Splink stores SQL in the dialect it trained on (DuckDB quotes identifiers with
    double quotes, Spark with backticks), so a model trained on one engine is rebuilt
    from its comparison names for the other, and its trained m and u probabilities
    and prior are copied over level by level.

    Args:
        model: a model saved by `train_model` (Splink's settings dict).
        dialect: "duckdb" or "spark".
        spec: blocking rules to predict with; default: none (for explanations).
    """
    names = tuple(c["output_column_name"] for c in model["comparisons"])
    unknown = [n for n in names if n not in _COMPARISONS]
    if unknown:
        raise ValueError(f"the model has comparison(s) Zicht does not know: {unknown}")
    rules = spec.prediction_rules if spec is not None else ()
    creator = settings_creator(ModelSpec(names, rules, (), ()))
    return with_trained_parameters(creator.create_settings_dict(dialect), model)


def with_trained_parameters(
    settings: dict[str, Any], model: dict[str, Any], *, same_sql: bool = False
) -> dict[str, Any]:
    """`settings` (untrained, in any dialect) with the prior and every level's m and u
    of a trained `model` of the same comparisons and levels.

    Comparisons are matched by name and order, levels by label; with `same_sql` (levels
    written as the same SQL in every dialect, as `zicht.pprl`'s Dice levels) also by
    their condition, quoting aside, so that a model trained under other thresholds (an
    other bit-flip probability) is refused too.

    Raises ValueError when the comparisons or a comparison's levels differ.
    """
    names = [c["output_column_name"] for c in settings["comparisons"]]
    saved_names = [c["output_column_name"] for c in model["comparisons"]]
    if names != saved_names:
        raise ValueError(
            f"the model compares {saved_names}, the registrations to score {names}: "
            "train a model on these registrations"
        )
    settings["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for comparison, saved in zip(settings["comparisons"], model["comparisons"], strict=True):
        levels, saved_levels = comparison["comparison_levels"], saved["comparison_levels"]
        if [_level_key(lv, same_sql) for lv in levels] != [
            _level_key(lv, same_sql) for lv in saved_levels
        ]:
            raise ValueError(f"comparison {comparison['output_column_name']} changed its levels")
        for level, saved_level in zip(levels, saved_levels, strict=True):
            for key in _TRAINED_KEYS:
                if key in saved_level:
                    level[key] = saved_level[key]
    return settings


def _level_key(level: dict[str, Any], same_sql: bool) -> tuple[str, ...]:
    label = str(level.get("label_for_charts", ""))
    if not same_sql:
        return (label,)
    sql = str(level.get("sql_condition", "")).replace('"', "").replace("`", "")
    return label, " ".join(sql.split())
