"""The shelter API: availability without addresses; a shelter system keeps its own beds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from tests.shelter.conftest import COORDINATOR
from tests.web.conftest import TestClient  # imported there without the httpx2 warning
from zicht.access import Actor, create_token
from zicht.config import Settings
from zicht.privacy import Cipher
from zicht.shelter import add_staff
from zicht.web.app import create_app


def _client(engine: Engine, cipher: Cipher, token: str, tmp_path: Path) -> TestClient:
    app = create_app(
        Settings(database_url="sqlite://", audit_checkpoint_dir=str(tmp_path / "cp")),
        engine=engine,
        cipher=cipher,
        report_dir=tmp_path,
    )
    return TestClient(app, headers={"authorization": f"Bearer {token}"})


def test_availability_and_beds(places: Engine, cipher: Cipher, tmp_path: Path) -> None:
    _info, token = create_token(
        places,
        Actor("test"),
        "shelter-a-system",
        "shelter",
        ["manage_shelter", "view_shelter_availability"],
        days=1,
    )
    add_staff(places, COORDINATOR, "a", "token:shelter-a-system")
    client = _client(places, cipher, token, tmp_path)
    listing = client.get("/api/shelter/availability")
    assert listing.status_code == 200
    assert "Street" not in listing.text
    beds = {(p["code"], b["kind"]): b["free"] for p in listing.json() for b in p["beds"]}
    assert beds[("a", "women")] == 3
    ok = client.post("/api/shelter/places/a/beds", json={"kind": "men", "beds": 4, "free": 2})
    assert ok.status_code == 200 and ok.json()["free"] == 2
    other = client.post("/api/shelter/places/b/beds", json={"kind": "men", "beds": 4, "free": 2})
    assert other.status_code == 403
    unknown = client.post("/api/shelter/places/zz/beds", json={"kind": "men", "beds": 1, "free": 1})
    assert unknown.status_code == 404
    bad = client.post("/api/shelter/places/a/beds", json={"kind": "men", "beds": 1, "free": 3})
    assert bad.status_code == 400


def test_figures_are_published(places: Engine, cipher: Cipher, tmp_path: Path) -> None:
    _info, token = create_token(
        places, Actor("test"), "analysis", "police", ["view_aggregates"], days=1
    )
    client = _client(places, cipher, token, tmp_path)
    figures = client.get("/api/shelter/figures")
    assert figures.status_code == 200
    body = figures.json()
    assert body["suppressed_below"] == 10
    # the last 14 days of this year (fewer in its first days)
    days = min(14, dt.date.today().timetuple().tm_yday)
    assert body["time_to_placement"]["*"] == 0 and len(body["occupancy_per_day"]) == days
