"""The web upload refuses quarantine ids of another organisation, as the CLI does (issue 11.1)."""

from __future__ import annotations

from tests.web.conftest import WebWorld
from zicht.store import read_quarantine


def test_a_steward_cannot_close_another_organisations_quarantine(world: WebWorld) -> None:
    fairwork = [entry.id for entry in read_quarantine(world.engine, source="fairwork")]
    assert len(fairwork) == 2  # the examples' two bad FairWork rows
    lines = ["_zicht_quarantine_id,source_record_id,registration_date,forms"]
    lines += [f"{entry_id},X-{entry_id},2023-03-01,labour" for entry_id in fairwork]
    client = world.client("data_steward")  # of the police
    response = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={"file": ("fix.csv", ("\n".join(lines) + "\n").encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert [e.id for e in read_quarantine(world.engine, source="fairwork")] == fairwork
    page = client.get(str(response.headers["location"]))
    assert page.status_code == 200
    assert page.text.count(
        "quarantainenummer hoort niet bij een rij van deze organisatie en dit soort registratie"
    ) == len(fairwork)
