"""Suspects brought to the prosecutor: only those referred, in the year they reached the OM."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from zicht.ingest import default_mapping, ingest_file
from zicht.monitor._data import load
from zicht.privacy import Cipher
from zicht.store import statistics

SUSPECTS = """\
source_record_id,registration_date,forms,role,referred_to_prosecutor,prosecutor_date
S1,2021-02-01,labour,recruiter,true,2021-06-01
S2,2021-03-01,labour,recruiter,false,
S3,2021-04-01,labour,recruiter,true,2022-01-15
S4,2022-05-01,labour,recruiter,true,
S5,2022-06-01,labour,recruiter,false,
S6,2022-07-01,labour,recruiter,false,
S7,2022-08-01,labour,recruiter,false,
"""
# By hand from the rows above: S1 reached the OM in 2021, S3 in 2022 (its prosecutor
# date), S4 in 2022 (no date: its registration year); S2, S5, S6 and S7 were not referred
# (four, so that counting the unreferred instead gives other numbers).
REGISTERED = {2021: 3, 2022: 4}
PROSECUTOR = {2021: 1, 2022: 2}


def test_only_referred_suspects_count_for_the_prosecutor(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "suspects.csv"
    path.write_text(SUSPECTS, encoding="utf-8")
    mapping = default_mapping("suspect_registration")
    result = ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    assert (result.stored, result.quarantined) == (7, 0)
    counts = statistics.suspect_counts(engine)
    assert counts == {"registered": REGISTERED, "prosecutor": PROSECUTOR}
    assert load(engine, 2022).suspects["prosecutor"] == PROSECUTOR
