"""The uses kept across the chunks of the sharing pass are those of a fresh read."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zicht.platforms import import_licences
from zicht.platforms._screen import screen_file
from zicht.platforms._sharing import SharingWindows
from zicht.privacy import Cipher
from zicht.store.ads import usages
from zicht.store.platforms import AdContactRow, AdRow
from zicht.synth._ads import simulate_ads, write_ad_world

WINDOW = dt.timedelta(days=14)
DAY = dt.timedelta(days=1)


def test_kept_windows_count_what_a_fresh_read_counts(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    """Windows asked for in random order (forwards, backwards, overlapping), with a
    limit small enough that the kept uses are dropped on the way: each key's uses within
    the window equal a read of that window alone (`store.ads.usages`, the oracle)."""
    world = simulate_ads(5, independents=20, networks=3, days=45)
    write_ad_world(world, tmp_path)
    for licences in sorted((tmp_path / "ads" / "licences").glob("*.csv")):
        import_licences(licences, municipality=licences.stem, engine=engine, cipher=cipher)
    screen_file(tmp_path / "ads" / "synthplatform.jsonl", platform="synthplatform",
                engine=engine, cipher=cipher, out=tmp_path / "out")  # fmt: skip
    rng = random.Random(15)
    with Session(engine) as session:
        licence_keys = sorted(
            {key for key in session.scalars(select(AdRow.licence_key)) if key is not None}
        )
        contact_keys = sorted(set(session.scalars(select(AdContactRow.key))))
        times = sorted(session.scalars(select(AdRow.posted_at)))
        assert len(licence_keys) > 20 and len(contact_keys) > 20
        for most in (10**9, 50):
            windows = SharingWindows(session, lambda row, stored: stored, ahead=WINDOW, most=most)
            for _ in range(40):
                moment = rng.choice(times)
                start = moment - rng.choice((0, 1, 3)) * DAY
                end = moment + rng.choice((0, 2, 20)) * DAY
                some_licences = rng.sample(licence_keys, 10)
                some_contacts = rng.sample(contact_keys, 10)
                by_licence, by_contact = windows.indexes(some_licences, some_contacts, start, end)
                fresh_licence, fresh_contact = usages(
                    session, some_licences, some_contacts, start, end
                )
                for index, fresh, keys in (
                    (by_licence, fresh_licence, some_licences),
                    (by_contact, fresh_contact, some_contacts),
                ):
                    for key in keys:
                        kept = index.around(key, start + (end - start) / 2, (end - start) / 2)
                        expected = sorted(
                            (int(u.id), u.posted_at, u.city, u.phones)
                            for u in fresh
                            if u.key == key
                        )
                        found = sorted((int(u.ad), u.posted_at, u.city, u.phones) for u in kept)
                        assert found == expected, (most, key)
            assert windows.reads > 0
