"""Fix and resubmit as a data steward does it (issue 14, points 1 and 2), on both databases.

Export per record type, corrections added to their own delivery, an honest result for a
file whose bad rows already wait, the quarantine paged, filtered and grouped, messages
with the expected format and codes, codes offered as choices, identity only with a purpose.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.web.conftest import WebWorld
from zicht.cli import app
from zicht.ingest import default_mapping, ingest_file
from zicht.privacy import load_cipher, write_key_file
from zicht.store import IngestBatch, read_quarantine, read_records
from zicht.store.audit import AuditEntryRow

# A delivery with its own mapping: Dutch column names, its own codes, day-month-year dates.
MAPPING = b"""
record_type: victim_registration
columns: {RegNr: source_record_id, Datum: registration_date, Vorm: forms, Geslacht: gender,
          Voornaam: given_names}
separators: {forms: "|"}
values:
  forms: {AU: labour, CU: criminal}
  gender: {V: female, M: male}
date_formats: {registration_date: ["%d-%m-%Y"]}
"""
HEADER = "RegNr;Datum;Vorm;Geslacht;Voornaam"
GOOD = "D-1;01-03-2023;AU;V;Anna"
BAD_DATE = "D-2;31-02-2023;CU;M;Piet"  # no 31 February
BAD_CODE = "D-3;02-03-2023;XX;V;Fatima"  # XX is no code of the mapping


def _upload(world: WebWorld, lines: list[str], name: str = "levering.csv") -> int:
    client = world.client("data_steward")
    response = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={
            "file": (name, ("\n".join(lines) + "\n").encode(), "text/csv"),
            "mapping": ("mapping.yaml", MAPPING, "application/yaml"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return int(str(response.headers["location"]).rsplit("/", 1)[1])


def _entry_of(world: WebWorld, batch_id: int, row_number: int) -> int:
    entries = read_quarantine(world.engine, source="police", status=None)
    return next(e.id for e in entries if (e.batch_id, e.row_number) == (batch_id, row_number))


def _batches(world: WebWorld) -> int:
    with world.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(IngestBatch)).scalar_one())


def _audit(world: WebWorld, action: str) -> list[dict[str, object]]:
    table = AuditEntryRow.__table__
    with world.engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.action == action)).all()
    return [dict(row._mapping) for row in rows]


def test_a_correction_is_added_to_its_own_delivery(world: WebWorld) -> None:
    batch_id = _upload(world, [HEADER, GOOD, BAD_DATE, BAD_CODE])
    before = _batches(world)
    entry = _entry_of(world, batch_id, 2)  # D-2 is the file's second data row
    client = world.client("data_steward")
    fixed = client.post(
        f"/quarantine/{entry}",
        data={
            "csrf_token": world.csrf(client),
            "cell-0": "D-2",
            "cell-1": "28-02-2023",
            "cell-2": "CU",
            "cell-3": "M",
        },
        follow_redirects=False,
    )
    assert fixed.status_code == 303 and fixed.headers["location"] == f"/quarantine?fixed={entry}"
    assert _batches(world) == before  # no pseudo-delivery "…-fix.csv"
    result = client.get(f"/uploads/{batch_id}")
    counts = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", result.text)
    assert dict(counts)["Nieuw"] == "2" and dict(counts)["In quarantaine"] == "1"
    statuses = re.findall(
        r'<th scope="row">(\d+)</th>.*?<td>(Open|Verwerkt|[A-Z][a-z]+)</td>', result.text
    )
    assert sorted(row for row, _ in statuses) == ["2", "3"]  # both bad rows still listed
    upload_page = client.get("/upload").text
    assert "fix" not in upload_page and upload_page.count("levering.csv") == 1
    stored = read_records(world.engine, cipher=world.cipher)
    row = stored[stored["source_record_id"] == "D-2"].iloc[0]
    assert (str(row["registration_date"])[:10], row["forms"], row["given_names"]) == (
        "2023-02-28",
        "criminal",
        "Piet",  # hidden identity cell kept as delivered
    )


def test_a_file_whose_bad_rows_already_wait_says_so(world: WebWorld) -> None:
    _upload(world, [HEADER, GOOD, BAD_DATE, BAD_CODE])
    again = _upload(world, [HEADER, GOOD, BAD_DATE, BAD_CODE])
    page = world.client("data_steward").get(f"/uploads/{again}").text
    assert "notice-success" not in page and "notice-warning" in page
    assert "2 regels van dit bestand stonden al in quarantaine uit een eerdere levering" in page


def test_export_per_record_type_with_only_its_columns(world: WebWorld) -> None:
    _upload(world, [HEADER, BAD_DATE])
    client = world.client("data_steward")
    suspects = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "suspect_registration"},
        files={
            "file": (
                "verdachten.csv",
                b"source_record_id,registration_date,forms,role\nS-1,2023-01-05,labour,boss\n",
                "text/csv",
            )
        },
        follow_redirects=False,
    )
    assert suspects.status_code == 303
    page = client.get("/quarantine").text
    links = re.findall(r'href="(/quarantine/export\.csv\?record_type=[a-z_]+)"', page)
    assert sorted(links) == [
        "/quarantine/export.csv?record_type=suspect_registration",
        "/quarantine/export.csv?record_type=victim_registration",
    ]
    suspect_export = client.get(links[0])
    assert 'filename="quarantine-police-suspect_registration.csv"' in str(
        suspect_export.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(suspect_export.text, newline="")))
    assert rows[0] == [
        "_zicht_quarantine_id",
        "_zicht_row",
        "_zicht_errors",
        "source_record_id",
        "registration_date",
        "forms",
        "role",
    ]
    assert len(rows) == 2
    victims = list(csv.reader(io.StringIO(client.get(links[1]).text, newline="")))
    assert "role" not in victims[0] and "Vorm" in victims[0]


def test_quarantine_is_paged_filtered_and_grouped(world: WebWorld) -> None:
    client = world.client("data_steward")

    def groups() -> dict[str, int]:
        table = client.get("/quarantine").text.split('id="groups"')[1].split("</table>")[0]
        found = re.findall(
            r"<td>[^<]+</td><td><a href=\"[^\"]+rule=(\w+)\">[^<]+</a></td><td>(\d+)", table
        )
        return {rule: int(count) for rule, count in found}

    before = groups()
    lines = [HEADER] + [f"G-{i};31-02-2023;AU;V;X" for i in range(60)]
    lines += [f"H-{i};01-03-2023;ZZ;V;X" for i in range(5)]
    _upload(world, lines, "groot.csv")
    after = groups()
    assert after.get("date", 0) - before.get("date", 0) == 60
    assert after.get("code", 0) - before.get("code", 0) == 5
    dates = client.get("/quarantine?record_type=victim_registration&rule=date").text
    assert f"{after['date']} open regels" in dates
    assert len(re.findall(r'href="/quarantine/\d+"', dates)) == 25
    pages = -(-after["date"] // 25)
    assert f"Pagina 1 van {pages}" in dates
    last = client.get(f"/quarantine?record_type=victim_registration&rule=date&page={pages}").text
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_messages_and_form_name_the_format_and_the_codes(world: WebWorld) -> None:
    batch_id = _upload(world, [HEADER, BAD_DATE, BAD_CODE])
    client = world.client("data_steward")
    listing = client.get("/quarantine").text
    assert "Datum als DD-MM-JJJJ / JJJJ-MM-DD" in listing
    assert "Toegestaan: <code>AU</code>, <code>CU</code>" in listing
    result = client.get(f"/uploads/{batch_id}?lang=en").text
    assert "Date as DD-MM-YYYY / YYYY-MM-DD" in result
    assert "Allowed: <code>AU</code>, <code>CU</code>" in result
    form = client.get(f"/quarantine/{_entry_of(world, batch_id, 1)}?lang=nl").text
    checkboxes = re.findall(r'type="checkbox" id="cell-2-\d" name="cell-2" value="(\w+)"', form)
    assert checkboxes == ["AU", "CU"]
    options = re.findall(r'<option value="(\w+)"[^>]*>(\w+) – (\w+)</option>', form)
    assert options == [("V", "V", "Vrouw"), ("M", "M", "Man")]
    assert "Datum als DD-MM-JJJJ / JJJJ-MM-DD" in form
    code_entry = _entry_of(world, batch_id, 2)
    chosen = client.post(
        f"/quarantine/{code_entry}",
        data={
            "csrf_token": world.csrf(client),
            "cell-0": "D-3",
            "cell-1": "02-03-2023",
            "cell-2": ["AU", "CU"],
            "cell-3": "V",
        },
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    stored = read_records(world.engine)
    assert stored.loc[stored["source_record_id"] == "D-3", "forms"].item() == "labour;criminal"


def test_identity_cells_only_after_a_purpose_and_each_look_audited(world: WebWorld) -> None:
    batch_id = _upload(world, [HEADER, BAD_DATE])
    entry = _entry_of(world, batch_id, 1)
    client = world.client("data_steward")
    views = len(_audit(world, "view_quarantine_row"))
    plain = client.get(f"/quarantine/{entry}").text
    assert "Piet" not in plain and 'id="identity-hidden"' in plain and "31-02-2023" in plain
    purpose = "datum van registratie verbeteren"

    def show(text: str) -> str:
        form = {"show": "1", "purpose": text, "csrf_token": world.csrf(client)}
        return client.post(f"/quarantine/{entry}", data=form).text

    shown = show(purpose)
    assert "Piet" in shown and 'id="identity-hidden"' not in shown
    too_short = show("x")
    assert "Piet" not in too_short
    # a purpose in the URL (browser history, server logs) shows nothing
    in_url = client.get(f"/quarantine/{entry}", params={"purpose": purpose}).text
    assert "Piet" not in in_url and 'id="identity-hidden"' in in_url
    entries = _audit(world, "view_quarantine_row")[views:]
    # every look decrypts the row: without a purpose of its own it is recorded with the
    # role's one (correcting the own rows), and the identity cells stay hidden
    own = "correct quarantined rows of the own organisation"
    assert [e["purpose"] for e in entries] == [own, purpose, own, own]
    assert all(str(entry) in str(e["object_ids"]) for e in entries)


def test_identity_cells_of_a_quarantined_row_stay_hidden_and_a_bad_birth_date_only_flags(
    world: WebWorld,
) -> None:
    """A bad birth date alone costs the value, not the row (issue 13); a row quarantined
    for its registration date keeps its identity cells hidden until a purpose is given."""
    client = world.client("data_steward")
    response = client.post(
        "/upload",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={
            "file": (
                "geboorte.csv",
                b"source_record_id,registration_date,forms,given_names,date_of_birth\n"
                b"K-1,2023-13-01,labour,Karin,1990-13-45\n"
                b"K-2,2023-03-01,labour,Kees,1990-13-45\n",
                "text/csv",
            )
        },
        follow_redirects=False,
    )
    batch_id = int(str(response.headers["location"]).rsplit("/", 1)[1])
    entries = read_quarantine(world.engine, source="police", status=None)
    assert [e.row_number for e in entries if e.batch_id == batch_id] == [1]
    page = client.get(f"/quarantine/{_entry_of(world, batch_id, 1)}").text
    assert "Karin" not in page and "1990-13-45" not in page
    assert "registration_date" in page and "2023-13-01" in page


def test_cli_export_asks_for_a_record_type_when_there_are_several(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "zicht.key"
    write_key_file(key)
    cipher = load_cipher(key, None)
    for record_type, row in (
        ("suspect_registration", "S-9,2023-01-05,XX"),
        ("victim_registration", "V-9,2023-01-05,YY"),
    ):
        path = tmp_path / f"{record_type}.csv"
        path.write_text(f"source_record_id,registration_date,forms\n{row}\n", encoding="utf-8")
        mapping = default_mapping(record_type)
        ingest_file(path, source="police", engine=engine, cipher=cipher, mapping=mapping)
    monkeypatch.setenv("ZICHT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    out = tmp_path / "fix.csv"
    command = ["quarantine", "export", "--source", "police", "--out", str(out)]
    command += ["--purpose", "correct the rows"]
    refused = CliRunner().invoke(app, command)
    assert refused.exit_code == 2 and not out.exists()
    assert "2 record types (suspect_registration, victim_registration)" in refused.output
    chosen = CliRunner().invoke(app, [*command, "--record-type", "suspect_registration"])
    assert chosen.exit_code == 0, chosen.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [row[3] for row in rows] == ["source_record_id", "S-9"]
