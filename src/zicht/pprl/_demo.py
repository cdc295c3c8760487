"""The demo's step: one partner of the synthetic world encodes its file at its own site.

It shows the first half of the flow (docs/pprl.md) in seconds: a new linkage secret
and the encoded file a partner would send instead of its identities. The demo's store
stays as it is (its later steps look at identities through the audited door).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zicht.ingest import load_mapping, read_manifest
from zicht.pprl._encode import EncodeResult, encode_file
from zicht.pprl._secret import new_secret, write_secret

__all__ = ["EncodeDemo", "encode_demo"]


@dataclass(frozen=True)
class EncodeDemo:
    """The secret file and the encoding of one partner's file."""

    secret_file: Path
    result: EncodeResult


def encode_demo(manifest: Path, out: Path) -> EncodeDemo:
    """Encode the smallest victim file of the world's `manifest` into folder `out`."""
    entries = [e for e in read_manifest(manifest) if e.record_type == "victim_registration"]
    if not entries:
        raise ValueError(f"{manifest}: no victim registration file to encode")
    entry = min(entries, key=lambda e: (e.rows or 0, e.source))
    out.mkdir(parents=True, exist_ok=True)
    secret = new_secret()
    secret_file = out / "linkage-secret.json"
    write_secret(secret, secret_file, overwrite=True)
    result = encode_file(
        entry.file,
        source=entry.source,
        secret=secret,
        out=out / f"{entry.source}.encoded.jsonl",
        mapping=load_mapping(entry.mapping),
    )
    return EncodeDemo(secret_file, result)
