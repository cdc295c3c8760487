"""The batched paths of encoding give exactly what the row-by-row paths give.

- `Converter.convert_many` (cells remembered within a batch) against `Converter.convert`
  on random rows: the same rows accepted with the same records and flags, the same rows
  refused with the same problems (field, rule, column, detail), in order;
- the encoder's bigram filters (all values of a field read at once as code points)
  against the documented recipe, one value at a time, on random text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zicht.ingest._convert as convert_module
from zicht.ingest import Converter, RawRow, ValidRecord, default_mapping, load_mapping
from zicht.pprl import Encoder, Hardening
from zicht.pprl._fields import FIELDS, EncodedField
from zicht.pprl._secret import LinkageSecret

SECRET = LinkageSecret(bytes(range(1, 33)))

# Cells drawn from values that pass, values that break a rule, empty and null cells,
# spaces around them and case changes: repeats within a batch are the point.
_CELLS = {
    "source_record_id": ["R1", "R2", " R3 ", "", "x" * 101, "R\x014"],
    "registration_date": [
        "2023-05-01",
        " 2023-05-01",
        "2023-02-30",
        "2099-01-01",
        "",
        "n/a",
        "1850-01-01",
        "2021-12-31T10:00:00",
        "٢٠٢٣-٠٥-٠١",
    ],
    "victim_status": ["possible", "actual", "Possible", "unknown", "", "NULL"],
    "forms": [
        "labour",
        "labour;criminal",
        " criminal ; labour ",
        "nonsense",
        "",
        ";",
        "other;other",
    ],
    "sectors": ["", "construction", "construction;agriculture", "nope"],
    "gender": ["female", "male", "x", "", "FEMALE"],
    "age": ["19", "200", "-1", "1_0", "", "19.0", "٢٣", "+5"],
    "minor": ["", "true", "false", "maybe", "TRUE"],
    "nationality": ["NL", "ro", "Roemenië", "", "XX"],
    # Null markers ("NB", "onbekend": the `constants` mapping's null values) in free text.
    "given_names": ["Anna", " Olena ", "", "An\x01na", "x" * 201, "NB", "nb", "Onbekend"],
    "family_name": ["de Vries", "Шевченко", "", "onbekend", "NB"],
    "date_of_birth": ["1990-05-17", "1990-02-30", "2024-01-01", "2100-01-01", "", "1899-12-31"],
    "birth_year": ["", "1990", "1991", "abc", "1800"],
    "phone": ["0612345678", "", "+31 6 1234 5678"],
    "national_id_number": ["", "111222333", "123456789", "---"],
    "national_id_country": ["", "NL", "PL", "Polen"],
}
_ROW = st.fixed_dictionaries({column: st.sampled_from(cells) for column, cells in _CELLS.items()})
# Cells as XLSX and JSON Lines give them (numbers, dates, booleans, None, lists) and
# str subclasses: the row function hands these to the generic steps.


class _Text(str):
    pass


_OTHER = st.one_of(
    st.none(),
    st.integers(-5, 2100),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=2100),
    st.sampled_from([19.0, 1990.0, True, False, dt.date(1990, 5, 17), dt.date(2099, 1, 1)]),
    st.sampled_from([dt.datetime(2023, 5, 1, 10), ["labour", " criminal "], ["x", 3]]),
    st.sampled_from([_Text(" Anna "), _Text("NL"), _Text(""), _Text("2023-05-01")]),
)
_ANY_ROW = st.fixed_dictionaries(
    {},
    optional={
        column: st.one_of(st.sampled_from(cells), _OTHER) for column, cells in _CELLS.items()
    },
)


def _outcome(result: ValidRecord | list) -> object:  # type: ignore[type-arg]
    if isinstance(result, ValidRecord):
        return (
            "valid",
            result.number,
            result.analytic.model_dump(),
            result.identity.model_dump(),
            result.flags,
            result.originals,
        )
    return ("refused", list(result))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ROW, min_size=1, max_size=40), st.sampled_from(["default", "mapped", "constants"]))
def test_convert_many_is_convert_row_by_row(cells: list[dict[str, str]], which: str) -> None:
    mapping = {"default": default_mapping, "mapped": _mapped, "constants": _constants}[which]()
    rows = [RawRow(number, dict(row)) for number, row in enumerate(cells, start=1)]
    if which == "mapped":
        rows = [RawRow(r.number, {k.upper(): v for k, v in r.cells.items()}) for r in rows]
    batched = Converter(mapping, "police").convert_many(rows)
    one_by_one = [Converter(mapping, "police").convert(row) for row in rows]
    assert [_outcome(r) for r in batched] == [_outcome(r) for r in one_by_one]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(_ANY_ROW, st.sampled_from([None, None, None, "too_long", "cell_count"])),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["default", "mapped", "constants"]),
)
def test_row_function_is_convert_on_any_cells(
    rows_drawn: list[tuple[dict[str, object], str | None]], which: str
) -> None:
    """The generated row function of `convert_many` against `convert`: cells of any type,
    columns missing, unreadable rows, a mapping with value tables, one with constants."""
    mapping = {"default": default_mapping, "mapped": _mapped, "constants": _constants}[which]()
    rows = [
        RawRow(number, dict(cells), unreadable, "given_names" if unreadable else None)
        for number, (cells, unreadable) in enumerate(rows_drawn, start=1)
    ]
    if which == "mapped":
        rows = [
            RawRow(r.number, {k.upper(): v for k, v in r.cells.items()}, r.unreadable, r.column)
            for r in rows
        ]
    batched = Converter(mapping, "police").convert_many(rows)
    one_by_one = [Converter(mapping, "police").convert(row) for row in rows]
    assert [_outcome(r) for r in batched] == [_outcome(r) for r in one_by_one]


# The same texts in any columns: a memo must belong to its column (a text is a date in
# one, a code or a number in another).
_SHARED_ROW = st.tuples(
    _ROW,
    st.dictionaries(
        st.sampled_from(sorted(_CELLS)),
        st.sampled_from(["1990", "NL", "PL", "2023-05-01", "12", "labour", "ja", "1"]),
    ),
).map(lambda pair: {**pair[0], **pair[1]})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.one_of(_ROW, _ANY_ROW, _SHARED_ROW), max_size=12), min_size=1, max_size=5),
    st.sampled_from(["default", "mapped", "constants"]),
    st.sampled_from([2, 10_000]),
    st.sampled_from([2, 64]),
)
def test_cells_remembered_across_batches_are_convert_row_by_row(
    batches: list[list[dict[str, object]]], which: str, kept: int, chars: int
) -> None:
    """One converter's `convert_many` over several batches (its row function compiled
    once, its memos kept from batch to batch and emptied past `MEMO_KEPT`, cells longer
    than `MEMO_CELL_CHARS` not kept) against `convert` of a fresh converter per row."""
    mapping = {"default": default_mapping, "mapped": _mapped, "constants": _constants}[which]()
    before = convert_module.MEMO_KEPT, convert_module.MEMO_CELL_CHARS
    convert_module.MEMO_KEPT, convert_module.MEMO_CELL_CHARS = kept, chars
    converter = Converter(mapping, "police")
    try:
        for batch in batches:
            rows = [RawRow(number, dict(cells)) for number, cells in enumerate(batch, start=1)]
            if which == "mapped":
                rows = [RawRow(r.number, {k.upper(): v for k, v in r.cells.items()}) for r in rows]
            batched = converter.convert_many(rows)
            one_by_one = [Converter(mapping, "police").convert(row) for row in rows]
            assert [_outcome(r) for r in batched] == [_outcome(r) for r in one_by_one]
    finally:
        convert_module.MEMO_KEPT, convert_module.MEMO_CELL_CHARS = before


def test_long_cells_are_not_remembered_from_batch_to_batch() -> None:
    # Cells of remembered columns, each seen twice in a batch: the short one is kept for
    # the next batch; none longer than 64 characters is (by hand, not MEMO_CELL_CHARS).
    converter = Converter(default_mapping(), "police")
    short = "NL"
    for batch in range(3):
        rows = [
            RawRow(n, {"date_of_birth": f"{n:08d}" + "x" * (60 + batch), "nationality": short})
            for n in range(1, 41)
        ]
        outcomes = converter.convert_many(rows + rows)
        one_by_one = [Converter(default_mapping(), "police").convert(row) for row in rows + rows]
        assert [_outcome(r) for r in outcomes] == [_outcome(r) for r in one_by_one]
    assert converter._generated is not None
    kept = [memo for memo in converter._generated[1] if memo is not None]
    assert any(short in memo for memo in kept)
    assert max(len(cell) for memo in kept for cell in memo) <= 64


@pytest.mark.parametrize("marker", ["NB", " nb ", "Onbekend", "ONBEKEND ", ""])
@pytest.mark.parametrize("column", ["given_names", "family_name", "phone"])
def test_row_function_drops_null_markers_in_free_text(column: str, marker: str) -> None:
    # A valid row but for one free-text cell that is a null marker of the mapping (in any
    # case, with spaces): `convert` leaves the field empty, so must the row function.
    mapping = _constants()
    cells = {name: values[0] for name, values in _CELLS.items()} | {column: marker}
    row = RawRow(1, cells)
    batched = Converter(mapping, "police").convert_many([row])[0]
    assert isinstance(batched, ValidRecord)
    assert batched.identity.model_dump()[column] is None
    assert _outcome(batched) == _outcome(Converter(mapping, "police").convert(row))


def _mapping_of(text: str):  # type: ignore[no-untyped-def]
    """The mapping a YAML text describes, loaded as `zicht ingest --mapping` loads a file."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapping.yaml"
        path.write_text(text, encoding="utf-8")
        return load_mapping(path)


def _constants():  # type: ignore[no-untyped-def]
    """A mapping that sets analytic and identity fields as constants, one also mapped."""
    columns = "\n".join(f"  {c}: {c}" for c in _CELLS)
    return _mapping_of(
        "record_type: victim_registration\n"
        f"columns:\n{columns}\n"
        'null_values: ["", "NB", "onbekend"]\n'
        "constants: {country_of_exploitation: NL, victim_status: possible, "
        "national_id_country: NL}\n"
    )


def _mapped():  # type: ignore[no-untyped-def]
    """A mapping with value tables and date formats, so the remembered handlers differ."""
    columns = "\n".join(f"  {c.upper()}: {c}" for c in _CELLS)
    return _mapping_of(
        "record_type: victim_registration\n"
        f"columns:\n{columns}\n"
        "values:\n  gender: {x: other, female: female, male: male}\n"
        "  forms: {nonsense: other, labour: labour, criminal: criminal}\n"
        "date_formats: {registration_date: ['%Y-%m-%d', '%d-%m-%Y'], "
        "date_of_birth: ['%Y-%m-%d']}\n"
    )


def _recipe(spec: EncodedField, raw: str, salt: str, hardening: Hardening) -> bytes | None:
    """One value's filter from the documented recipe (HMAC-SHA256 per token)."""
    tokens = spec.tokens(spec.normalise(raw))
    if not tokens:
        return None
    key = SECRET.field_key(spec.name)
    bits = np.zeros(spec.bits, dtype=np.uint8)
    for token in tokens:
        text = f"{salt}\x1f{token}" if spec.salted and hardening.salt else token
        digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
        for word in range(spec.hashes):
            bits[int.from_bytes(digest[2 * word : 2 * word + 2], "big") % spec.bits] = 1
    if hardening.balanced:
        seed = int.from_bytes(SECRET.field_key(spec.name, "permutation")[:8], "big")
        order = np.random.default_rng(seed).permutation(spec.bits * 2)
        bits = np.concatenate([bits, 1 - bits])[order]
    return np.packbits(bits).tobytes()


_TEXT = st.text(
    alphabet=st.sampled_from([*"aAbé_ -.@1\t\u00a0\u2003ßİŁж中", "\U0001f600", "\u0301"]),
    max_size=12,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(_TEXT, st.sampled_from([None, 1990, 1991, 2001])), min_size=1, max_size=25),
    st.sampled_from([Hardening(), Hardening(balanced=False, salt=None)]),
)
def test_bigram_filters_match_the_recipe(
    values: list[tuple[str, int | None]], hardening: Hardening
) -> None:
    encoder = Encoder(SECRET, hardening)
    raws = [raw for raw, _ in values]
    years = [year for _, year in values]
    for spec in FIELDS:
        for call in range(2):  # the second call meets the caches
            packed, present = encoder.encode_field(spec, raws[call:], years[call:])
            for number, (raw, year) in enumerate(values[call:]):
                salt = "" if year is None else str(year)
                expected = _recipe(spec, raw, salt, hardening)
                assert bool(present[number]) is (expected is not None), (spec.name, raw)
                assert packed[number].tobytes() == (expected or bytes(packed.shape[1]))


_JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates(),
    lambda inner: st.lists(inner, max_size=4).map(tuple) | st.lists(inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), _JSON_VALUE, max_size=8))
def test_record_json_is_json_dumps(record: dict[str, object]) -> None:
    """The record's line text is what `json` writes (compact, dates in ISO form)."""
    import json

    from zicht.pprl._encode import _json_date, _record_json

    expected = json.dumps(record, separators=(",", ":"), default=_json_date)
    assert _record_json(record) == expected
    assert _record_json(sorted(record)) == json.dumps(sorted(record), separators=(",", ":"))
