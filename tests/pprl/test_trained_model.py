"""A model trained on encodings is only ever applied to the same comparisons and levels:
its m and u are copied level by level, so another field set or other Dice thresholds
(another bit-flip probability) must be refused, never scored with shifted weights."""

from __future__ import annotations

from typing import Any

import pytest

from zicht.linkage import ModelSpec
from zicht.linkage._settings import with_trained_parameters
from zicht.pprl import Hardening
from zicht.pprl._model import encoded_settings


def _settings(fields: tuple[str, ...], hardening: Hardening) -> dict[str, Any]:
    spec = ModelSpec(
        comparisons=fields, prediction_rules=(), training_rules=(), deterministic_rules=()
    )
    return encoded_settings(spec, hardening).create_settings_dict("duckdb")


def _trained(fields: tuple[str, ...], hardening: Hardening) -> dict[str, Any]:
    model = _settings(fields, hardening)
    model["probability_two_random_records_match"] = 0.001
    for c, comparison in enumerate(model["comparisons"]):
        for n, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = 0.01 * (c + 1)
                level["u_probability"] = 0.001 * (n + 1)
    return model


FIELDS = ("given_name", "date_of_birth", "phone")


def test_the_same_comparisons_take_every_level_s_m_and_u() -> None:
    model = _trained(FIELDS, Hardening())
    settings = with_trained_parameters(_settings(FIELDS, Hardening()), model, same_sql=True)
    assert settings["probability_two_random_records_match"] == 0.001
    for comparison, saved in zip(settings["comparisons"], model["comparisons"], strict=True):
        for level, saved_level in zip(
            comparison["comparison_levels"], saved["comparison_levels"], strict=True
        ):
            assert level.get("m_probability") == saved_level.get("m_probability")
            assert level.get("u_probability") == saved_level.get("u_probability")


@pytest.mark.parametrize(
    "fields",
    [("given_name", "date_of_birth", "id_document"), ("given_name", "phone", "date_of_birth")],
)
def test_other_comparisons_are_refused(fields: tuple[str, ...]) -> None:
    # Same number of comparisons, each with as many levels: copied by position, the
    # phone's weights would have gone to the identity document.
    with pytest.raises(ValueError, match="train a model on these registrations"):
        with_trained_parameters(_settings(fields, Hardening()), _trained(FIELDS, Hardening()))


def test_other_dice_thresholds_are_refused() -> None:
    model = _trained(FIELDS, Hardening(flip_probability=0.05))
    with pytest.raises(ValueError, match="changed its levels"):
        with_trained_parameters(_settings(FIELDS, Hardening()), model, same_sql=True)
