"""The coordinators' page for shelters and staff: it saves through the shelter service
(address encrypted, one audit entry per change), refuses a bad field by name without
sending a value back, and is the coordinator's alone (the endpoint table covers every
role)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from tests.shelter.conftest import COORDINATOR
from tests.web.conftest import WebWorld
from zicht.shelter import list_staff, reveal_address
from zicht.store.audit import AuditEntryRow
from zicht.store.shelter import ShelterRow

ADDRESS = "Geheime Laan 7, Utrecht"


def _actions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(select(AuditEntryRow.action).order_by(AuditEntryRow.seq)).scalars()
        )


def _place(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "code": "opvang-utrecht",
        "name": "Opvang Utrecht",
        "kind": "municipal",
        "region": "midden-nederland",
        "address": ADDRESS,
        "languages": "nl, en, pl",
        "security": "2",
        "wheelchair": "yes",
    }
    return form | changes


def test_a_coordinator_adds_a_shelter_and_its_staff(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    client = world.client("coordinator")
    page = client.get("/shelter/admin?lang=en")
    assert page.status_code == 200 and "Add or change a shelter" in page.text
    csrf = world.csrf(client)
    before = _actions(world.engine)

    saved = client.post("/shelter/admin/places", data=_place(csrf), follow_redirects=False)
    assert saved.status_code == 303
    assert _actions(world.engine)[len(before) :] == ["shelter_added"]
    with world.engine.connect() as connection:
        stored = connection.execute(
            select(ShelterRow.__table__).where(ShelterRow.code == "opvang-utrecht")
        )
        row = stored.one()
    assert ADDRESS.encode() not in row.address  # encrypted at rest
    assert (row.region, row.security, row.wheelchair, row.care) == (
        "midden-nederland",
        2,
        True,
        False,
    )
    assert (
        reveal_address(
            world.engine, world.cipher, COORDINATOR, "opvang-utrecht", "check the new entry"
        )
        == ADDRESS
    )
    listed = client.get("/shelter/admin?lang=en")
    assert "Opvang Utrecht (opvang-utrecht)" in listed.text and ADDRESS not in listed.text

    staff = client.post(
        "/shelter/admin/staff",
        data={"csrf_token": csrf, "shelter": "opvang-utrecht", "member": "shelter_staff"},
        follow_redirects=False,
    )
    assert staff.status_code == 303
    assert list_staff(world.engine, COORDINATOR)["opvang-utrecht"] == ("shelter_staff",)
    assert _actions(world.engine)[-1] == "shelter_staff_added"
    # the new staff member keeps the shelter's beds and sees its address
    member = world.client("shelter_staff")
    beds = member.post(
        "/shelter/places/opvang-utrecht/beds",
        data={"csrf_token": world.csrf(member), "kind": "women", "beds": "4", "free": "3"},
        follow_redirects=False,
    )
    assert beds.status_code == 303


def test_a_bad_field_is_named_and_nothing_is_saved(sqlite_world: WebWorld) -> None:
    world = sqlite_world
    client = world.client("coordinator")
    csrf = world.csrf(client)
    before = _actions(world.engine)
    bad = client.post("/shelter/admin/places?lang=en", data=_place(csrf, region="mars"))
    assert bad.status_code == 400
    assert "field region" in bad.text and ADDRESS not in bad.text
    assert 'value="Opvang Utrecht"' in bad.text  # the other fields are kept
    code = client.post("/shelter/admin/places?lang=en", data=_place(csrf, code="a b/c"))
    assert code.status_code == 400 and "field code" in code.text
    unknown = client.post(
        "/shelter/admin/staff?lang=en",
        data={"csrf_token": csrf, "shelter": "nowhere", "member": "someone"},
    )
    assert unknown.status_code == 400 and "nowhere" in unknown.text
    empty = client.post(
        "/shelter/admin/staff?lang=en", data={"csrf_token": csrf, "shelter": "x", "member": " "}
    )
    assert empty.status_code == 400 and "field member" in empty.text
    assert _actions(world.engine) == before
    with world.engine.connect() as connection:
        assert connection.execute(select(ShelterRow.code)).scalars().all() == []
