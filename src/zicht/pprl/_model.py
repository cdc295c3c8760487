"""The Fellegi-Sunter model on encodings: Dice-similarity levels per field, LSH blocking.

The same recipe as plain linkage (`zicht.linkage._settings`, `train`): a prior from
deterministic rules, u by random sampling, m by EM on blocking rules that leave the
other fields to estimate. Levels are bands of Dice similarity of the field's
encodings, strongest first; with randomised response, identical values no longer have
Dice 1, so every band is scaled by the expected similarity of identical values
(1 - 2p(1 - p) of bits agree).
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
from zicht.pprl._table import EXACT_COLUMNS, FAMILIES, word_columns

__all__ = ["DICE_LEVELS", "encoded_settings", "encoded_spec"]

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


def _comparison(field: str, hardening: Hardening) -> cl.CustomComparison:
    p = hardening.flip_probability
    scale = 1 - 2 * p * (1 - p)
    dice = _dice_sql(field, hardening)
    levels: list[Any] = [
        cll.CustomLevel(
            f"{field}_n_l IS NULL OR {field}_n_r IS NULL", label_for_charts="Unknown"
        ).configure(is_null_level=True)
    ]
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


def _comparisons(names: tuple[str, ...], hardening: Hardening) -> list[Any]:
    address = tuple(f for f in _ADDRESS if f in names)
    out: list[Any] = [_comparison(n, hardening) for n in names if n not in _ADDRESS]
    if address:
        out.append(_address(hardening, address))
    return out


def encoded_settings(spec: ModelSpec, hardening: Hardening) -> SettingsCreator:
    """Splink settings (untrained) for encoded registrations."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(spec.comparisons, hardening),
        blocking_rules_to_generate_predictions=[
            block_on(*rule, arrays_to_explode=[c for c in rule if c.startswith("lsh_")] or None)
            for rule in spec.prediction_rules
        ],
        additional_columns_to_retain=["source"],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )
