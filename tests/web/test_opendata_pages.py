"""The open-data download page: who may download what, the ZIP's files, the audit entry,
the page in Dutch and English, and errors naming the field."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from tests.web.conftest import WebWorld
from zicht.access import ROLE_PERMISSIONS
from zicht.store.audit import AuditEntryRow
from zicht.store.opendata_releases import spent_by_year

YEAR = {"year": "2023"}  # the year of the examples' registrations


def _post(world: WebWorld, role: str, kind: str, data: dict[str, str]) -> object:
    client = world.client(role)
    return client.post(f"/opendata/{kind}", data={**data, "csrf_token": world.csrf(client)})


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("ctdc", "export_ctdc"),
        ("synthetic", "export_synthetic_data"),
        ("tables", "export_international_tables"),
    ],
)
def test_every_role_gets_exactly_the_exports_it_is_granted(
    sqlite_world: WebWorld, kind: str, action: str
) -> None:
    for role, grants in ROLE_PERMISSIONS.items():
        response = _post(sqlite_world, role, kind, YEAR)
        expected = 200 if action in grants else 403
        assert response.status_code == expected, (role, kind)  # type: ignore[attr-defined]


def test_the_ctdc_download_is_a_zip_of_the_export_and_is_audited(world: WebWorld) -> None:
    response = _post(world, "coordinator", "ctdc", YEAR)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/zip"  # type: ignore[attr-defined]
    disposition = response.headers["content-disposition"]  # type: ignore[attr-defined]
    assert disposition == 'attachment; filename="zicht-opendata-ctdc-2023.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))  # type: ignore[attr-defined]
    assert sorted(archive.namelist()) == [
        "ctdc.csv",
        "ctdc_codebook.csv",
        "ctdc_disclosure_risk.json",
    ]
    rows = list(csv.DictReader(io.StringIO(archive.read("ctdc.csv").decode())))
    risk = json.loads(archive.read("ctdc_disclosure_risk.json"))
    assert len(rows) == risk["records_published"]
    assert "gender" in rows[0] if rows else risk["records_in"] > 0
    with world.engine.connect() as connection:
        entries = connection.execute(
            select(AuditEntryRow.actor, AuditEntryRow.action, AuditEntryRow.object_type).where(
                AuditEntryRow.action == "export_open_data"
            )
        ).all()
    assert [tuple(e) for e in entries] == [("coordinator", "export_open_data", "opendata:ctdc")]


def test_the_tables_download_holds_eurostat_and_greta(sqlite_world: WebWorld) -> None:
    response = _post(sqlite_world, "data_steward", "tables", YEAR)
    assert response.status_code == 200  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(response.content))  # type: ignore[attr-defined]
    assert sorted(archive.namelist()) == ["eurostat_thb.csv", "greta.csv", "tables_protection.json"]
    header = archive.read("eurostat_thb.csv").decode().splitlines()[0]
    assert header == "DATAFLOW,freq,unit,sex,age,citizen,expl,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG"


def test_the_synthetic_download_carries_no_figure_of_the_true_data(
    sqlite_world: WebWorld,
) -> None:
    response = _post(sqlite_world, "analyst", "synthetic", YEAR)
    assert response.status_code == 200  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(response.content))  # type: ignore[attr-defined]
    assert sorted(archive.namelist()) == ["synthetic.csv", "synthetic_report.json"]
    report = json.loads(archive.read("synthetic_report.json"))
    assert report["delta"] == 0.0 and report["epsilon"] > 0
    assert "utility" not in report and "tvd" not in json.dumps(report).lower()


def test_the_synthetic_year_asked_twice_is_the_same_zip_and_spends_once(world: WebWorld) -> None:
    first = _post(world, "analyst", "synthetic", YEAR)
    second = _post(world, "coordinator", "synthetic", YEAR)
    assert first.status_code == second.status_code == 200  # type: ignore[attr-defined]
    assert first.content == second.content  # type: ignore[attr-defined]
    assert spent_by_year(world.engine) == {2023: pytest.approx(1.0)}
    page = world.client("analyst").get("/opendata?lang=en").text
    budget = page[page.index('id="privacy-budget"') :]
    assert '<th scope="row">2023</th><td class="numeric">1.00</td>' in budget
    assert '<td class="numeric">2.00</td>' in budget  # left of the default 3


def test_a_synthetic_release_over_the_budget_is_refused(sqlite_world: WebWorld) -> None:
    from zicht.access import Actor
    from zicht.opendata import export_synthetic

    export_synthetic(
        sqlite_world.engine, first_year=2023, last_year=2023, out=sqlite_world.report_dir / "x",
        epsilon=2.5, budget=3.0, rare_below=11, actor=Actor("cli:steward", "system"),
    )  # fmt: skip
    before = _export_entries(sqlite_world)
    response = _post(sqlite_world, "analyst", "synthetic?lang=en", YEAR)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "privacy budget of 2023 is used up" in response.text  # type: ignore[attr-defined]
    assert _export_entries(sqlite_world) == before
    assert spent_by_year(sqlite_world.engine) == {2023: pytest.approx(2.5)}


def _export_entries(world: WebWorld) -> int:
    with world.engine.connect() as connection:
        return len(
            connection.execute(
                select(AuditEntryRow.id).where(AuditEntryRow.action == "export_open_data")
            ).all()
        )


@pytest.mark.parametrize("kind", ["ctdc", "synthetic", "tables"])
def test_a_period_is_refused_on_the_web_by_the_service(sqlite_world: WebWorld, kind: str) -> None:
    """The form offers one year; a client posting a period anyway is refused by the
    service (overlapping periods could be subtracted from each other)."""
    response = _post(
        sqlite_world, "coordinator", f"{kind}?lang=en", {"first": "2022", "last": "2023"}
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "covers one registration year, not a period" in response.text  # type: ignore[attr-defined]
    assert _export_entries(sqlite_world) == 0
    assert spent_by_year(sqlite_world.engine) == {}


def test_the_page_shows_only_the_granted_forms_in_both_languages(sqlite_world: WebWorld) -> None:
    page = sqlite_world.client("analyst").get("/opendata?lang=en").text
    assert 'action="/opendata/synthetic"' in page
    assert 'action="/opendata/tables"' in page
    assert 'action="/opendata/ctdc"' not in page
    assert "Download the synthetic data" in page
    dutch = sqlite_world.client("coordinator").get("/opendata?lang=nl").text
    assert 'action="/opendata/ctdc"' in dutch
    assert "Download het CTDC-bestand" in dutch
    assert sqlite_world.client("auditor").get("/opendata").status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "20x6"}, "synthetic-year", "Enter a year from 1990 to 2100"),
        ({"year": ""}, "synthetic-year", "Enter a year from 1990 to 2100"),
        ({"first": "2024", "last": "2023"}, "synthetic-year", "the first year 2024 is after"),
        ({"year": "1995"}, "synthetic-year", "no linked person was registered"),
    ],
)
def test_bad_years_are_named_and_nothing_is_exported(
    sqlite_world: WebWorld, data: dict[str, str], field: str, message: str
) -> None:
    client = sqlite_world.client("analyst")
    response = client.post(
        "/opendata/synthetic?lang=en", data={**data, "csrf_token": sqlite_world.csrf(client)}
    )
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text
    assert f'id="{field}" name="{field.split("-")[1]}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert message in response.text
    with sqlite_world.engine.connect() as connection:
        assert (
            connection.execute(
                select(AuditEntryRow.id).where(AuditEntryRow.action == "export_open_data")
            ).first()
            is None
        )


def test_a_post_without_the_csrf_token_is_refused(sqlite_world: WebWorld) -> None:
    response = sqlite_world.client("coordinator").post("/opendata/ctdc", data=YEAR)
    assert response.status_code == 403
