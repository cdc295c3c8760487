"""A steward sees their own organisation's work: its open quarantine rows on the
dashboard, and every delivery (web or command line) with its counts and status."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.web.conftest import WebWorld
from zicht.store import IngestBatch, QuarantineRow


def _open_rows(world: WebWorld, organisation: str | None) -> int:
    # Counted here with a query of the test's own, not the store's function.
    statement = (
        select(func.count()).select_from(QuarantineRow).where(QuarantineRow.status == "open")
    )
    if organisation is not None:
        statement = statement.where(QuarantineRow.source == organisation)
    with world.engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def test_the_steward_s_dashboard_counts_its_own_open_rows_apart_from_the_national(
    world: WebWorld,
) -> None:
    own, everyone = _open_rows(world, "police"), _open_rows(world, None)
    assert 0 < own < everyone  # the examples quarantine rows of police and FairWork
    html = world.client("data_steward").get("/dashboard?lang=en").text
    found = re.search(
        r"Waiting in quarantine for a correction \(National Police \(AVIM\)\): (\d+)<", html
    )
    assert found is not None and int(found.group(1)) == own
    assert "Open quarantined rows (all organisations)" in html
    dutch = world.client("data_steward").get("/dashboard?lang=nl").text
    found = re.search(r"In quarantaine, wacht op correctie \([^<]*Politie[^<]*\): (\d+)<", dutch)
    assert found is not None and int(found.group(1)) == own


def test_roles_without_an_own_quarantine_see_no_own_count(world: WebWorld) -> None:
    for role in ("coordinator", "analyst"):
        html = world.client(role).get("/dashboard?lang=en").text
        assert "Waiting in quarantine for a correction" not in html


def test_the_delivery_list_shows_command_line_deliveries_with_counts_and_status(
    world: WebWorld,
) -> None:
    # The examples were ingested as on the command line (no web upload).
    with world.engine.connect() as connection:
        batches = connection.execute(
            select(IngestBatch.id, IngestBatch.rows_read, IngestBatch.rows_quarantined).where(
                IngestBatch.source == "police"
            )
        ).all()
        other = (
            connection.execute(select(IngestBatch.id).where(IngestBatch.source != "police"))
            .scalars()
            .all()
        )
    html = world.client("data_steward").get("/upload?lang=en").text
    table = html[html.index("Recent deliveries") :]
    for batch_id, read, quarantined in batches:
        row = re.search(rf'<tr><td><a href="/uploads/{batch_id}">.*?</tr>', table)
        assert row is not None
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
        assert cells[3] == "command line"
        assert (cells[5], cells[7]) == (str(read), str(quarantined))
        assert cells[9] == ("rows wait in quarantine" if quarantined else "complete")
    assert not any(f'href="/uploads/{batch_id}"' in table for batch_id in other)
