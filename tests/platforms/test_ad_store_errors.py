"""A database refusal while ads are written through the driver is the engine's scrubbed
error: a SQLAlchemy error the CLI reports, never a value of the ad in its message."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zicht.platforms._screen import screen_file
from zicht.privacy import Cipher
from zicht.store.ads import write_ads
from zicht.store.platforms import AdRow
from zicht.synth._ads import simulate_ads, write_ad_world

SECRET = "SECRET-AD-42"


def test_a_refused_write_of_ads_is_scrubbed(engine: Engine, cipher: Cipher, tmp_path: Path) -> None:
    world = simulate_ads(5, independents=5, networks=1, days=5)
    write_ad_world(world, tmp_path)
    screen_file(tmp_path / "ads" / "synthplatform.jsonl", platform="synthplatform",
                engine=engine, cipher=cipher, out=tmp_path / "out")  # fmt: skip
    with Session(engine) as session:
        stored = session.scalars(select(AdRow).limit(1)).one()
        row = {
            "platform": stored.platform,
            "ad_id": SECRET,
            "posted_at": stored.posted_at,
            "city": stored.city,
            "stated_age": stored.stated_age,
            "licence_key": stored.licence_key,
            "image_hashes": stored.image_hashes,
            "content": stored.content,
            "flags": [],
            "evidence": None,
            "score": 0.0,
            "cluster_id": None,
        }
        # The same ad id twice in one delivery: the unique constraint refuses the second.
        with pytest.raises(SQLAlchemyError) as refused:
            write_ads(session, [row, dict(row)], [[], []], stored.batch_id)
        assert SECRET not in str(refused.value)
        assert SECRET not in repr(refused.value.orig)
