"""Identity encryption: round trip, binding to its record, wrong keys, tampering."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.privacy import Cipher, DecryptionError, MissingKeyError, generate_key, load_cipher
from zicht.privacy._crypto import write_key_file


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=5))
def test_round_trip(value: dict[str, str]) -> None:
    cipher = Cipher(b"k" * 32)
    token = cipher.encrypt_json(value, "victim_registration/police/1")
    assert cipher.decrypt_json(token, "victim_registration/police/1") == value


def test_ciphertext_hides_the_value_and_is_bound_to_its_record() -> None:
    cipher = Cipher(generate_key())
    token = cipher.encrypt_json({"family_name": "Kowalski"}, "victim_registration/police/1")
    assert b"Kowalski" not in token
    with pytest.raises(DecryptionError, match="another record"):
        cipher.decrypt_json(token, "victim_registration/police/2")


def test_wrong_key_is_named_as_such() -> None:
    token = Cipher(generate_key()).encrypt(b"x", "c")
    with pytest.raises(DecryptionError, match="another key"):
        Cipher(generate_key()).decrypt(token, "c")


def test_tampering_is_detected() -> None:
    cipher = Cipher(generate_key())
    token = bytearray(cipher.encrypt(b"secret", "c"))
    token[-1] ^= 1
    with pytest.raises(DecryptionError, match="altered"):
        cipher.decrypt(bytes(token), "c")


def test_key_file_is_private_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "zicht.key"
    write_key_file(path)
    assert path.stat().st_mode & 0o077 == 0
    cipher = load_cipher(str(path), None)
    assert cipher.decrypt(cipher.encrypt(b"a", "c"), "c") == b"a"
    with pytest.raises(FileExistsError):
        write_key_file(path)


def test_missing_or_bad_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(MissingKeyError, match="zicht keys new"):
        load_cipher(None, None)
    with pytest.raises(MissingKeyError, match="zicht keys new"):
        load_cipher(None, "not base64 at all!")
    with pytest.raises(MissingKeyError, match="does not exist"):
        load_cipher(str(tmp_path / "nope"), None)


def test_pseudonyms_are_keyed() -> None:
    first, second = Cipher(generate_key()), Cipher(generate_key())
    assert first.pseudonym("a") == first.pseudonym("a")
    assert first.pseudonym("a") != second.pseudonym("a")
