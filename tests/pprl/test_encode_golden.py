"""The encoded file is byte for byte what the encoder wrote before it was made faster.

The hashes below were taken from `encode_file` on branch wip/pprl2 (file format 4:
names salted with the whole date of birth, no salt tag in the marks, and no names for
rows without a whole date of birth; "default" and "flip" regenerated from that code,
"plain" unchanged from wip/pprlpriv's, whose format-3 predecessor first reproduced the
format-3 hashes of ba41acc, and those 89a3186's format 2 ones), on the golden partner file
(`golden_partner.py`, 600 rows, 113 refused, 294 flagged) under a fixed secret: the
encoded file and the refusals (row, field, rule, column, detail). They are not generated
by the code under test.
If a change to WHICH values are encoded (the fields, salts or tokens) is meant, the
hashes change with it: regenerate them from the code before that change's speed work.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import zicht.pprl._encode as encode_module
from tests.pprl.golden_partner import write_golden_partner
from zicht.pprl import Encoder, EncodeResult, Hardening, encode_file
from zicht.pprl._secret import LinkageSecret

SECRET = LinkageSecret(bytes(range(32)))
CSV_SHA256 = "a6c5c2aa31a4eeb00aef55271ac9003bb92aea32fefb50db1d703785e9cacb36"
REFUSALS_SHA256 = "2553e67f1d11afff70d51d1d2a7aa7e5ebe8c65d22ffe47f03f94409a484ab5c"
OUTPUT_SHA256 = {
    "default": "b5f7be628adeb3a82699484467bc6756e95c73789f4549d691e56f98bb341164",
    "plain": "d4b20c92e5b9ad9d6f04b25165c00f360c8d4d1904b53efbe1f1c058baef6dce",
    # Bit flipping with a seeded generator, one process, 10,000-row chunks.
    "flip": "862976879167ad81f8dd014d92fc7d1e49811a6bbcbc8f5d527f9d5ca491f4de",
}
HARDENINGS = {
    "default": Hardening(),
    "plain": Hardening(balanced=False, salt=None),
    "flip": Hardening(flip_probability=0.05),
}


def _refusal_text(result: EncodeResult) -> str:
    return "\n".join(
        f"{r.row}:" + ";".join(f"{p.field}|{p.rule}|{p.column}|{p.detail}" for p in r.problems)
        for r in result.refusals
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_golden_partner(tmp_path_factory.mktemp("golden") / "partner.csv")
    assert _sha(path.read_bytes()) == CSV_SHA256  # the input itself has not drifted
    return path


@pytest.mark.parametrize(
    ("label", "workers", "chunk"),
    [
        ("default", 1, 10_000),
        ("default", 1, 97),  # caches carried across chunks
        ("default", 2, 97),
        ("plain", 1, 10_000),
        ("plain", 2, 97),
        ("flip", 1, 10_000),
    ],
)
def test_encoded_file_is_the_golden_one(
    partner: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    workers: int,
    chunk: int,
) -> None:
    monkeypatch.setattr(encode_module, "_CHUNK", chunk)
    hardening = HARDENINGS[label]
    encoder = (
        Encoder(SECRET, hardening, rng=np.random.default_rng(7))
        if hardening.flip_probability
        else None
    )
    out = tmp_path / "encoded.jsonl"
    result = encode_file(
        partner,
        source="police",
        secret=SECRET,
        out=out,
        hardening=hardening,
        encoder=encoder,
        workers=workers,
    )
    assert (result.rows_read, result.encoded, result.flagged) == (600, 487, 294)
    assert _sha(_refusal_text(result).encode()) == REFUSALS_SHA256
    assert _sha(out.read_bytes()) == OUTPUT_SHA256[label]
