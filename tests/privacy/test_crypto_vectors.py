"""The cipher against an independent implementation of its documented layout (issue 23).

Derived keys are checked against HKDF-SHA256 written here from RFC 5869 with the
standard library, pseudonyms against HMAC-SHA256 under the documented pseudonym key,
tokens are opened with AES-GCM directly by their documented layout, and the length
limit of a token is tried on both sides. Written after reading mutmut's survivors.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zicht.privacy import Cipher
from zicht.privacy._crypto import DecryptionError, MissingKeyError, load_cipher, write_key_file

KEY = bytes(range(32))


def _hkdf_sha256(key: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 with an empty salt (HashLen zeros), by the standard library only."""
    prk = hmac.new(b"\x00" * 32, key, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


@pytest.mark.parametrize("label", ["pseudonym-index", "blocking", "ë-ÿ"])
def test_a_derived_key_is_rfc_5869_hkdf_with_the_zicht_label(label: str) -> None:
    derived = Cipher(KEY).derived_key(label)
    assert derived == _hkdf_sha256(KEY, b"zicht:" + label.encode("utf-8"))
    assert len(derived) == 32


def test_a_pseudonym_is_hmac_sha256_under_the_pseudonym_key() -> None:
    pseudonym_key = hashlib.sha256(b"zicht-pseudonym" + KEY).digest()
    for value in ("NL91ABNA0417164300", "Jöns"):
        expected = hmac.new(pseudonym_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        assert Cipher(KEY).pseudonym(value) == expected


def test_a_token_has_the_documented_layout() -> None:
    cipher = Cipher(KEY)
    token = cipher.encrypt_json({"b": 1, "a": "ë", "when": Path("x")}, "victim:police:1")
    assert token[:1] == b"\x01"
    assert token[1:5] == hashlib.sha256(b"zicht-key-id" + KEY).digest()[:4] == cipher.key_id
    nonce, sealed = token[5:17], token[17:]
    plain = AESGCM(KEY).decrypt(nonce, sealed, b"victim:police:1")
    assert plain == json.dumps({"a": "ë", "b": 1, "when": "x"}, sort_keys=True).encode()
    assert cipher.decrypt_json(token, "victim:police:1") == {"a": "ë", "b": 1, "when": "x"}


def test_the_shortest_token_is_read_and_one_byte_less_is_not_a_ciphertext() -> None:
    cipher = Cipher(KEY)
    shortest = cipher.encrypt(b"", "c")  # 1 + 4 + 12 + a 16-byte tag, nothing sealed
    assert len(shortest) == 33
    assert cipher.decrypt(shortest, "c") == b""
    with pytest.raises(DecryptionError, match=r"^not a Zicht ciphertext$"):
        cipher.decrypt(shortest[:-1], "c")
    with pytest.raises(DecryptionError, match=r"^not a Zicht ciphertext$"):
        cipher.decrypt(b"\x02" + shortest[1:], "c")
    with pytest.raises(DecryptionError, match=r"^encrypted with another key than the one"):
        Cipher(bytes(32)).decrypt(shortest, "c")
    with pytest.raises(DecryptionError, match=r"^ciphertext was altered or belongs to another"):
        cipher.decrypt(shortest, "d")
    assert cipher.decrypt(cipher.encrypt(b"x", "ë"), "ë") == b"x"


def test_keys_of_the_wrong_size_and_missing_keys_are_refused(tmp_path: Path) -> None:
    for size in (31, 33):
        with pytest.raises(MissingKeyError, match=r"^the key must be 32 bytes; make one"):
            Cipher(bytes(size))
    with pytest.raises(MissingKeyError, match=r"^no encryption key is configured; make one"):
        load_cipher(None, None)
    with pytest.raises(MissingKeyError, match=r"^ZICHT_SECRET_KEY is not a base64 key; make"):
        load_cipher(None, "not base64!")
    with pytest.raises(MissingKeyError, match=r"^ZICHT_SECRET_KEY does not hold a 32-byte key"):
        load_cipher(None, "AAAA")
    missing = tmp_path / "absent.key"
    with pytest.raises(
        MissingKeyError, match=f"^key file {re.escape(str(missing))} does not exist"
    ):
        load_cipher(str(missing), None)
    with pytest.raises(MissingKeyError, match=r"cannot be read \(IsADirectoryError\)"):
        load_cipher(str(tmp_path), None)


def test_a_key_file_is_private_and_never_overwritten_unasked(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "deep" / "zicht.key"
    write_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text(encoding="ascii")
    assert first.endswith("\n") and len(first.strip()) == 44
    with pytest.raises(FileExistsError, match="a key file exists already"):
        write_key_file(path)
    assert path.read_text(encoding="ascii") == first
    write_key_file(path, overwrite=True)
    assert path.read_text(encoding="ascii") != first
    assert load_cipher(str(path), "ignored").key_id == load_cipher(None, path.read_text()).key_id


def test_the_csv_writer_quotes_ends_rows_in_crlf_and_neutralises() -> None:
    """CsvWriter by hand: delimiter, CRLF, a carriage return quoted, formulas defused."""
    import io

    from zicht.privacy._cells import CsvWriter, neutralise

    handle = io.StringIO()
    writer = CsvWriter(handle, delimiter=";")
    writer.writerow(["=1+1", -3, "a\rb", "x;y", None])
    writer.writerow(["''=2"])
    assert handle.getvalue() == "'=1+1;-3;\"a\rb\";\"x;y\";\r\n'''=2\r\n"
    assert neutralise("''x") == "''x"


def test_a_key_with_a_stray_character_is_refused_not_cleaned() -> None:
    """A base64 key is read strictly: one character outside the alphabet refuses it,
    rather than silently dropping the character and taking what is left as the key."""
    import base64

    text = base64.b64encode(KEY).decode("ascii")
    assert load_cipher(None, text).key_id == Cipher(KEY).key_id
    for spoiled in (text[:10] + "!" + text[10:], text[:20] + "*" + text[20:]):
        with pytest.raises(MissingKeyError, match=r"^ZICHT_SECRET_KEY is not a base64 key"):
            load_cipher(None, spoiled)


def test_a_key_file_that_holds_no_key_is_named_in_the_refusal(tmp_path: Path) -> None:
    path = tmp_path / "zicht.key"
    path.write_text("this is no key\n", encoding="ascii")
    with pytest.raises(MissingKeyError, match=f"^key file {re.escape(str(path))} is not a base64"):
        load_cipher(str(path), None)
    path.write_text("AAAA\n", encoding="ascii")
    with pytest.raises(MissingKeyError, match=f"^key file {re.escape(str(path))} does not hold"):
        load_cipher(str(path), None)


def test_the_csv_writer_writes_commas_by_default() -> None:
    import io

    from zicht.privacy._cells import CsvWriter

    handle = io.StringIO()
    CsvWriter(handle).writerow(["a", "b,c", 1])
    assert handle.getvalue() == 'a,"b,c",1\r\n'


@pytest.mark.parametrize(
    ("text", "neutralised"),
    [
        # by hand from OWASP's list: only = + - @ tab and CR start a formula, also
        # behind quotes; a letter in front (even an X) makes the cell plain text
        ("X=1", "X=1"),
        ("XX@SUM(A1)", "XX@SUM(A1)"),
        ("x-1+2", "x-1+2"),
        ("'=1", "''=1"),
        ("''+A1", "'''+A1"),
        ("=1", "'=1"),
        ("-12.5", "-12.5"),
    ],
)
def test_only_quotes_in_front_of_a_formula_are_looked_through(text: str, neutralised: str) -> None:
    from zicht.privacy._cells import neutralise, restore

    assert neutralise(text) == neutralised
    assert restore(neutralised) == text
