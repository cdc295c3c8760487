"""Secrets and encodings: keyed, hardened, comparable only under the same secret and salt."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.pprl import (
    Encoder,
    Hardening,
    SecretError,
    encode_identities,
    new_secret,
    read_secret,
    write_secret,
)
from zicht.pprl import _bloom as bloom
from zicht.pprl._bloom import KeyedHash
from zicht.pprl._encode import _base64_rows, birth_marks, encoded_json, encoded_text
from zicht.pprl._fields import FIELDS, MARKS, YEAR_ONLY, YEAR_UNKNOWN, EncodedField
from zicht.pprl._secret import LinkageSecret

GIVEN = next(s for s in FIELDS if s.name == "given_name")
PHONE = next(s for s in FIELDS if s.name == "phone")


def _bits(packed: np.ndarray) -> np.ndarray:
    return np.unpackbits(packed, axis=1)


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * float((a & b).sum()) / float(a.sum() + b.sum())


def test_secret_round_trip_and_refusals(tmp_path: Path) -> None:
    secret = new_secret()
    path = tmp_path / "secret.json"
    write_secret(secret, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_secret(path).secret_id == secret.secret_id
    assert secret.key.hex() not in repr(secret)
    with pytest.raises(FileExistsError):
        write_secret(new_secret(), path)
    (tmp_path / "other.json").write_text('{"kind": "something else"}')
    with pytest.raises(SecretError, match="not a Zicht linkage secret"):
        read_secret(tmp_path / "other.json")
    with pytest.raises(SecretError, match="does not exist"):
        read_secret(tmp_path / "missing.json")


def test_same_value_same_encoding_other_secret_unrelated() -> None:
    plain = Hardening(balanced=False, salt=None)
    one, two = new_secret(), new_secret()
    a, _ = Encoder(one, plain).encode_field(GIVEN, ["Olena", "Olena"], [1990, 1990])
    b, _ = Encoder(two, plain).encode_field(GIVEN, ["Olena"], [1990])
    assert (a[0] == a[1]).all()
    assert _dice(_bits(a)[0], _bits(b)[0]) < 0.8


def test_normalised_as_plain_linkage_and_similar_names_stay_similar() -> None:
    secret = new_secret()
    packed, _ = Encoder(secret, Hardening(salt=None)).encode_field(
        GIVEN, ["Олена", "olena", "Olana", "Fatima"], [None] * 4
    )
    bits = _bits(packed)
    assert (bits[0] == bits[1]).all()  # transliterated and lower-cased first
    assert _dice(bits[1], bits[2]) > _dice(bits[1], bits[3])


def test_salting_separates_salt_values() -> None:
    packed, _ = Encoder(new_secret()).encode_field(GIVEN, ["Olena"] * 3, [1990, 1990, 1991])
    bits = _bits(packed)
    assert (bits[0] == bits[1]).all()
    # Balanced filters of unrelated values agree on about half their bits.
    assert _dice(bits[0], bits[2]) < 0.7


def test_unsalted_fields_ignore_the_birth_year() -> None:
    packed, _ = Encoder(new_secret()).encode_field(
        PHONE, ["06-12345678", "0612345678"], [1990, 1991]
    )
    assert (packed[0] == packed[1]).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=20))
def test_balanced_filters_have_constant_weight(names: list[str]) -> None:
    packed, present = Encoder(new_secret()).encode_field(GIVEN, names, [None] * len(names))
    weights = _bits(packed).sum(axis=1)
    assert (weights[present] == GIVEN.bits).all()
    assert (weights[~present] == 0).all()


def test_randomised_response_flips_the_stated_share() -> None:
    hardening = Hardening(flip_probability=0.1)
    assert hardening.epsilon == pytest.approx(math.log(9))
    encoder = Encoder(new_secret(), hardening, rng=np.random.default_rng(3))
    clean = Encoder(encoder.secret, Hardening())
    noisy, _ = encoder.encode_field(GIVEN, ["Olena"] * 400, [1990] * 400)
    exact, _ = clean.encode_field(GIVEN, ["Olena"] * 400, [1990] * 400)
    share = float((_bits(noisy) != _bits(exact)).mean())
    assert 0.09 < share < 0.11
    with pytest.raises(ValueError):
        Hardening(flip_probability=0.5)


def test_missing_values_are_not_present() -> None:
    packed, present = Encoder(new_secret()).encode_field(GIVEN, [None, " ", "An"], [None] * 3)
    assert present.tolist() == [False, False, True]
    assert not packed[0].any()


def _reference_filter(
    secret: LinkageSecret,
    spec: EncodedField,
    raw: str,
    year: int | str | None,
    hardening: Hardening,
) -> bytes | None:
    """One value's filter computed the slow, obvious way, from the documented recipe."""
    tokens = spec.tokens(spec.normalise(raw))
    if not tokens:
        return None
    key = secret.field_key(spec.name)
    salt = "" if year is None else str(year)
    bits = np.zeros(spec.bits, dtype=np.uint8)
    for token in tokens:
        text = f"{salt}\x1f{token}" if spec.salted and hardening.salt else token
        digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
        for word in range(spec.hashes):
            bits[int.from_bytes(digest[2 * word : 2 * word + 2], "big") % spec.bits] = 1
    if hardening.balanced:
        seed = int.from_bytes(secret.field_key(spec.name, "permutation")[:8], "big")
        order = np.random.default_rng(seed).permutation(spec.bits * 2)
        bits = np.concatenate([bits, 1 - bits])[order]
    return np.packbits(bits).tobytes()


@pytest.mark.parametrize(
    "hardening", [Hardening(), Hardening(balanced=False, salt=None)], ids=["default", "plain"]
)
def test_encodings_match_the_recipe_across_calls_and_caches(hardening: Hardening) -> None:
    # Repeated values within and across calls (the encoder's caches), other years,
    # missing and empty values: every filter equals the one computed from the recipe.
    secret = new_secret()
    encoder = Encoder(secret, hardening)
    names = ["Olena", "Fatima", None, "olena", " ", "Ана Марія", "Olena", "Jan de Vries"]
    years = [1990, 1990, None, 1991, 1990, None, 1990, 2001]
    phones = ["06-12345678", None, "+31 6 1234 5678", "0612345678", "", "12", "x", None]
    # A field spec that is not the standard's (another name and length) is encoded by
    # the same recipe: the encoder's bit layouts are per spec, not per standard field.
    nickname = dataclasses.replace(GIVEN, name="nickname", bits=64)
    for call in range(2):
        for spec, raws in ((GIVEN, names), (PHONE, phones), (nickname, names)):
            packed, present = encoder.encode_field(spec, raws[call:], years[call:])
            for number, (raw, year) in enumerate(zip(raws[call:], years[call:], strict=True)):
                expected = (
                    None if raw is None else _reference_filter(secret, spec, raw, year, hardening)
                )
                assert bool(present[number]) is (expected is not None)
                if expected is None:
                    assert not packed[number].any()
                else:
                    assert packed[number].tobytes() == expected


@pytest.mark.parametrize("caps", [(0, 0), (2, 3), (5, 11)], ids=["none", "tiny", "small"])
def test_encodings_match_the_recipe_when_the_caches_are_full(
    caps: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whole dates as salts make most salted values new; past the caches' caps only some
    # values and tokens are kept: every filter must still be the recipe's.
    monkeypatch.setattr(bloom, "_VALUE_CACHE", caps[0])
    monkeypatch.setattr(bloom, "_TOKEN_CACHE", caps[1])
    rng = random.Random(5)
    names = ["Olena", "Anna", "Jan de Vries", "Ана", "ß", "O'Brien", "a\\b", " ", "中文", None]
    dates = [
        None,
        *(str(dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(4000))) for _ in range(6)),
    ]
    for hardening in (Hardening(), Hardening(balanced=False, salt=None)):
        secret = new_secret()
        encoder = Encoder(secret, hardening)
        for _call in range(4):
            raws = [rng.choice(names) for _ in range(rng.randrange(1, 25))]
            salts = [rng.choice(dates) for _ in raws]
            for spec in (GIVEN, PHONE):
                packed, present = encoder.encode_field(spec, raws, salts)
                for number, (raw, salt) in enumerate(zip(raws, salts, strict=True)):
                    expected = (
                        None
                        if raw is None
                        else _reference_filter(secret, spec, raw, salt, hardening)
                    )
                    assert bool(present[number]) is (expected is not None)
                    assert packed[number].tobytes() == (expected or bytes(packed.shape[1]))
        # Nothing kept grows past its cap (a worker's memory stays bounded on any file).
        assert len(encoder._pair_texts) <= caps[1]
        assert all(len(kept) <= caps[1] for kept in encoder._bigram_digests.values())


def test_encoded_text_is_the_base64_of_every_filter() -> None:
    encoder = Encoder(new_secret(), Hardening(balanced=False))
    identities = [
        {
            "given_names": "Olena",
            "family_name": "Shevchenko",
            "date_of_birth": dt.date(1990, 5, 17),
        },
        {"given_names": "Fatima", "phone": "0612345678", "birth_year": 1985},
        {},
    ]
    texts = encoded_text(encoder, identities)
    raw = encode_identities(Encoder(encoder.secret, encoder.hardening), identities)
    assert texts == [{k: base64.b64encode(v).decode("ascii") for k, v in r.items()} for r in raw]
    # Nothing to encode: only the marks, saying the birth year is unknown.
    assert texts[2] == {MARKS: base64.b64encode(bytes((YEAR_UNKNOWN,))).decode("ascii")}
    for width in (1, 2, 3, 16, 17, 32):
        rows = np.random.default_rng(width).integers(0, 256, (5, width), dtype=np.uint8)
        assert _base64_rows(rows) == [base64.b64encode(r.tobytes()).decode() for r in rows]


def test_encoded_json_is_what_json_writes_of_encoded_text() -> None:
    encoder = Encoder(LinkageSecret(bytes(range(32))))
    identities = [
        {
            "given_names": "Olena",
            "family_name": "Shevchenko",
            "date_of_birth": dt.date(1990, 5, 17),
        },
        {"given_names": "Fatima", "phone": "0612345678", "birth_year": 1985},
        {"email": "a.b@example.org", "address": "Dorpsstraat 1", "city": "Ede"},
        {},
    ]
    texts = encoded_text(encoder, identities)
    lines = encoded_json(Encoder(encoder.secret, encoder.hardening), identities)
    assert lines == [json.dumps(t, separators=(",", ":")) for t in texts]
    assert [list(json.loads(line)) for line in lines] == [list(t) for t in texts]


_IDENTITY_VALUES = {
    "given_names": st.sampled_from(["Olena", "Ana Maria", "", "  ", "Łukasz"]),
    "family_name": st.sampled_from(["Shevchenko", "de Vries", ""]),
    "date_of_birth": st.sampled_from([dt.date(1990, 5, 17), dt.date(2001, 1, 2), None]),
    "birth_year": st.sampled_from([1985, None]),
    "phone": st.sampled_from(["0612345678", "+31 6 1234 5678", ""]),
    "email": st.sampled_from(["a.b@example.org", "geen"]),
    "address": st.sampled_from(["Dorpsstraat 1", "Kade 5, achter"]),
    "postcode": st.sampled_from(["1234 AB", "9999ZZ"]),
    "city": st.sampled_from(["Ede", "WOERDEN"]),
    "id_document_number": st.sampled_from(["NX123456", "---"]),
    "bank_account": st.sampled_from(["NL19INGB2457609041"]),
}


@settings(max_examples=60, deadline=None)
@given(
    identities=st.lists(st.fixed_dictionaries({}, optional=_IDENTITY_VALUES), max_size=12),
    balanced=st.booleans(),
)
def test_encoded_json_of_any_fields_present(
    identities: list[dict[str, object]], balanced: bool
) -> None:
    """The records' JSON laid out as one array (`encoded_json`) against `json.dumps` of
    `encoded_text`, whichever fields each record has (none too)."""
    hardening = Hardening(balanced=balanced)
    secret = LinkageSecret(bytes(range(32)))
    texts = encoded_text(Encoder(secret, hardening), identities)
    lines = encoded_json(Encoder(secret, hardening), identities)
    assert lines == [json.dumps(t, separators=(",", ":")) for t in texts]


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=0, max_size=150),
    prefix=st.binary(max_size=80),
    message=st.binary(max_size=200),
)
def test_keyed_hash_is_hmac_sha256(key: bytes, prefix: bytes, message: bytes) -> None:
    # Keys shorter than, as long as and longer than SHA-256's 64-byte block.
    expected = hmac.digest(key, prefix + message, hashlib.sha256)
    keyed = KeyedHash(key)
    assert keyed.digest(prefix + message) == expected
    # A digest leaves the key's states as they were.
    assert keyed.digest(message) == hmac.digest(key, message, hashlib.sha256)


@settings(max_examples=100, deadline=None)
@given(
    key=st.binary(min_size=0, max_size=150),
    prefix=st.binary(max_size=80),
    messages=st.lists(st.binary(max_size=100), max_size=20),
)
def test_keyed_hash_digests_are_hmac_sha256_in_order(
    key: bytes, prefix: bytes, messages: list[bytes]
) -> None:
    expected = [hmac.digest(key, prefix + message, hashlib.sha256) for message in messages]
    assert KeyedHash(key).digests([prefix + message for message in messages]) == expected


def test_marks_say_what_is_known_of_the_date_and_nothing_of_the_salt() -> None:
    # Format 4: no salt tag (bit 0 is always 0), only whether the date is unknown or
    # the year alone; two full dates of any years or days give the same byte.
    dates = [f"{y}-03-0{1 + y % 9}" for y in range(1940, 2010)]
    assert set(birth_marks(dates)) == {0}
    assert birth_marks(["1985", None, "1985-01-02"]) == [YEAR_ONLY, YEAR_UNKNOWN, 0]
    assert YEAR_ONLY & 1 == YEAR_UNKNOWN & 1 == 0


def test_names_are_salted_with_the_whole_date_of_birth() -> None:
    # The default salt is the date as the date field encodes it: the same name under
    # another day of birth (same year) gets unrelated bits; under the same date, the same.
    identities = [
        {"given_names": "Olena", "date_of_birth": dt.date(1990, 5, 17)},
        {"given_names": "Olena", "date_of_birth": dt.date(1990, 5, 17)},
        {"given_names": "Olena", "date_of_birth": dt.date(1990, 5, 18)},
        {"given_names": "Olena", "birth_year": 1990, "family_name": "Koval"},
        {"given_names": "Olena", "family_name": "Koval", "phone": "+31 6 12345678"},
    ]
    encoder = Encoder(new_secret())
    rows = encode_identities(encoder, identities)
    given = [np.unpackbits(np.frombuffer(r["given_name"], dtype=np.uint8)) for r in rows[:3]]
    assert (given[0] == given[1]).all()
    assert _dice(given[0], given[2]) < 0.7
    # Without a whole date (the year alone, or none) the names are left out, the other
    # fields are not (issue 17's follow-up: a year's salt was a cohort the marks show).
    assert set(rows[3]) == {"date_of_birth", MARKS}
    assert set(rows[4]) == {"phone", MARKS}
    unsalted = Encoder(encoder.secret, Hardening(salt=None))
    assert set(encode_identities(unsalted, identities[3:])[0]) >= {"given_name", "family_name"}
    # The oracle: the filter from the documented recipe, salted with the date's text.
    expected = _reference_filter(encoder.secret, GIVEN, "Olena", "1990-05-18", Hardening())
    assert rows[2]["given_name"] == expected
