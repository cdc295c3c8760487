"""The Fellegi-Sunter model on encodings: Dice-similarity levels per field, LSH blocking.

The same recipe as plain linkage (`zicht.linkage._settings`, `train`): a prior from
deterministic rules, u by random sampling, m by EM on blocking rules that leave the
other fields to estimate. Levels are bands of Dice similarity of the field's
encodings, strongest first; with randomised response, identical values no longer have
Dice 1, so every band is scaled by the expected similarity of identical values
(1 - 2p(1 - p) of bits agree).

Names are salted with the date of birth (`zicht.pprl._bloom.Hardening`): two names
whose dates of birth do not encode alike (a typo in the date, the year alone on one
side, a date known on one side only) were hashed with different salts, share no bits
whether equal or not, and count as unknown, not as different; the date itself is
compared on its own. With the marks (`zicht.pprl._fields.MARKS`, format 2 on) a date
of birth that is the year alone has its own level.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from zicht.linkage import MIN_COVERAGE, ModelSpec
from zicht.pprl._bloom import Hardening
from zicht.pprl._fields import FIELDS
from zicht.pprl._table import EXACT_COLUMNS, FAMILIES, MARK_COLUMNS, word_columns

__all__ = ["DICE_LEVELS", "encoded_settings", "encoded_spec", "has_marks"]

DICE_LEVELS = (0.99, 0.9, 0.8, 0.7)
"""Dice bands of a name or date comparison (before scaling for randomised response)."""

IDENTIFIER_LEVELS = (0.99, 0.9)
"""Bands of identifiers and places: the same value, or about one character off (as the
plain model's exact and one-character levels). Finer bands would count chance overlap
of digits, or names inside e-mail addresses, as evidence."""

_FINE = frozenset({"given_name", "family_name", "date_of_birth"})

# Fields compared (gender and nationality are analytic, not encoded: see _fields).
_LABELS = {
    "given_name": "Given names",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "phone": "Phone number",
    "id_document": "Identity document",
    "national_id": "National identification number and issuing country",
    "email": "E-mail address",
    "bank_account": "Bank account",
    "address": "Street address",
    "postcode": "Postcode",
    "city": "City",
    "place_of_birth": "Place of birth",
}


def _dice_sql(field: str, hardening: Hardening) -> str:
    common = " + ".join(
        f"CAST(bit_count({c}_l & {c}_r) AS INTEGER)" for c in word_columns(field, hardening)
    )
    return f"(2.0 * ({common}) / ({field}_n_l + {field}_n_r))"


_SALTED = frozenset({spec.name for spec in FIELDS if spec.salted})


def _salts_differ(hardening: Hardening) -> str:
    """SQL: the two sides' names were salted differently, read off their dates of birth.

    The salt is the date's own text, so the salts are equal exactly when both dates are
    missing or both encode alike; "alike" is the date's top Dice band (identical
    encodings without bit flipping: another date changes at least one token's bits).
    """
    p = hardening.flip_probability
    same = 0.99 * (1 - 2 * p * (1 - p))
    left, right = "date_of_birth_n_l IS NULL", "date_of_birth_n_r IS NULL"
    return (
        f"(({left}) <> ({right})) OR (NOT {left} AND NOT {right} "
        f"AND {_dice_sql('date_of_birth', hardening)} < {same:.4f})"
    )


def _unknown(field: str, hardening: Hardening) -> str:
    """When a field counts as unknown: missing on a side, or salted differently."""
    sql = f"{field}_n_l IS NULL OR {field}_n_r IS NULL"
    if field in _SALTED and hardening.salt is not None:
        sql += f" OR {_salts_differ(hardening)}"
    return sql


def _year_only(scale: float, dice: str) -> cll.CustomLevel:
    # Both only the year, and the same encoding; or one side only the year and its
    # bits inside the other's full date (a year token in a full date's filter gives a
    # balanced Dice of about 0.72; another year about 0.64).
    one = "date_of_birth_year_only_l = 1"
    other = "date_of_birth_year_only_r = 1"
    return cll.CustomLevel(
        f"({one} AND {other} AND {dice} >= {0.99 * scale:.4f}) OR "
        f"(date_of_birth_year_only_l + date_of_birth_year_only_r = 1 "
        f"AND {dice} >= {0.7 * scale:.4f})",
        label_for_charts="Only the year known, equal",
    )


def _comparison(field: str, hardening: Hardening, marks: bool = False) -> cl.CustomComparison:
    p = hardening.flip_probability
    scale = 1 - 2 * p * (1 - p)
    dice = _dice_sql(field, hardening)
    levels: list[Any] = [
        cll.CustomLevel(_unknown(field, hardening), label_for_charts="Unknown").configure(
            is_null_level=True
        )
    ]
    if marks and field == "date_of_birth":
        levels.append(_year_only(scale, dice))
        # Any other pair with a year-only side: years differ, no date band applies.
        levels.append(
            cll.CustomLevel(
                "date_of_birth_year_only_l = 1 OR date_of_birth_year_only_r = 1",
                label_for_charts="Only the year known, different",
            )
        )
    if field in EXACT_COLUMNS and p == 0:
        # The same encoding, weighed by how common it is (plain linkage's term-frequency
        # adjustment of an exact name); without bit flipping equal values encode equally.
        levels.append(
            cll.CustomLevel(
                f"{field}_h_l = {field}_h_r", label_for_charts="Same encoding"
            ).configure(tf_adjustment_column=f"{field}_h", tf_adjustment_weight=1.0)
        )
    for band in DICE_LEVELS if field in _FINE else IDENTIFIER_LEVELS:
        levels.append(
            cll.CustomLevel(f"{dice} >= {band * scale:.4f}", label_for_charts=f"Dice >= {band:g}")
        )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(
        output_column_name=field,
        comparison_description=_LABELS[field],
        comparison_levels=levels,
    )


def _address(hardening: Hardening, fields: tuple[str, ...]) -> cl.CustomComparison:
    # One comparison, as in plain linkage: street, postcode and city are too dependent
    # on each other for Fellegi-Sunter's independence assumption to hold across them.
    p = hardening.flip_probability
    exact = 0.99 * (1 - 2 * p * (1 - p))
    unknown = " OR ".join(
        "(" + " AND ".join(f"{f}_n_{side} IS NULL" for f in fields) + ")" for side in ("l", "r")
    )
    levels: list[Any] = [
        cll.CustomLevel(unknown, label_for_charts="Unknown").configure(is_null_level=True)
    ]
    labels = {"address": "Same street address", "postcode": "Same postcode", "city": "Same city"}
    for field in fields:
        levels.append(
            cll.CustomLevel(
                f"{_dice_sql(field, hardening)} >= {exact:.4f}", label_for_charts=labels[field]
            )
        )
        if field == "address":
            levels.append(
                cll.CustomLevel(
                    f"{_dice_sql(field, hardening)} >= {0.9 * exact / 0.99:.4f}",
                    label_for_charts="Street address similar",
                )
            )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address, postcode and city",
        comparison_levels=levels,
    )


_ADDRESS = ("address", "postcode", "city")


def _filled(table: pd.DataFrame, column: str) -> bool:
    return len(table) > 0 and float(table[column].notna().mean()) >= MIN_COVERAGE


def encoded_spec(table: pd.DataFrame) -> ModelSpec:
    """Comparisons and blocking rules for the filled fields of an encoded table."""
    comparisons = tuple(s.name for s in FIELDS if _filled(table, f"{s.name}_n"))

    def key(name: str) -> tuple[str, ...]:
        column = f"key_{name}"
        return (column,) if column in table and _filled(table, column) else ()

    # One rule per family: its array of band keys, exploded by the engine.
    prediction = [
        (f"lsh_{family}",)
        for family in FAMILIES
        if f"lsh_{family}" in table and _filled(table, f"lsh_{family}")
    ]
    training = [key("dob"), key("name"), key("phone"), key("address")]
    deterministic = [key("name") + key("dob"), key("id_document"), key("national_id")]
    return ModelSpec(
        comparisons=comparisons,
        prediction_rules=tuple(prediction),
        training_rules=tuple(r for r in training if r),
        deterministic_rules=tuple(r for r in deterministic if r),
    )


def _comparisons(names: tuple[str, ...], hardening: Hardening, marks: bool) -> list[Any]:
    address = tuple(f for f in _ADDRESS if f in names)
    out: list[Any] = [_comparison(n, hardening, marks) for n in names if n not in _ADDRESS]
    if address:
        out.append(_address(hardening, address))
    return out


def has_marks(table: pd.DataFrame) -> bool:
    """Whether the table's registrations carry marks (format 2 encodings)."""
    return all(c in table for c in MARK_COLUMNS) and bool(
        table["date_of_birth_year_only"].notna().any()
    )


def encoded_settings(
    spec: ModelSpec, hardening: Hardening, *, marks: bool = False
) -> SettingsCreator:
    """Splink settings (untrained) for encoded registrations (`marks`: see `has_marks`)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(spec.comparisons, hardening, marks),
        blocking_rules_to_generate_predictions=[
            block_on(*rule, arrays_to_explode=[c for c in rule if c.startswith("lsh_")] or None)
            for rule in spec.prediction_rules
        ],
        additional_columns_to_retain=["source"],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )
