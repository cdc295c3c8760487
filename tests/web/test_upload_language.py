"""An unusable upload is refused in the page's language (issue 14.3): Dutch by default."""

from __future__ import annotations

import html
import pickle
from pathlib import Path

import pytest

from tests.i18n.english import untranslated
from tests.web.conftest import WebWorld
from zicht.i18n import N_
from zicht.ingest import IngestFileError

MISSING = "'forms', 'registration_date', 'source_record_id'"

# (file name, content, the error in Dutch, in English), written by hand
CASES = [
    (
        "web.csv",
        b"x,y\n1,2\n",
        f"web.csv: verplichte kolommen ontbreken: {MISSING}",
        f"web.csv: missing required column(s) {MISSING}",
    ),
    (
        "web.csv",
        b"source_record_id,registration_date\x00,forms\n",
        "web.csv: bestand is binair, geen tekst",
        "web.csv: file is binary, not text",
    ),
    (
        "web.csv",
        b"source_record_id,forms,forms\nA,labour,labour\n",
        "web.csv: kolom 'forms' staat twee keer in de kopregel",
        "web.csv: column 'forms' appears twice in the header",
    ),
    (
        "web.jsonl",
        b"[1, 2]\n",
        "web.jsonl: geen regel van het bestand is een JSON-object",
        "web.jsonl: no line of the file is a JSON object",
    ),
    (
        "web.pdf",
        b"%PDF-1.4\n",
        "de bestandsnaam moet eindigen op een van .csv, .tsv, .txt, .xlsx, .jsonl, .ndjson",
        "the file must end in one of .csv, .tsv, .txt, .xlsx, .jsonl, .ndjson",
    ),
    ("web.csv", b"", "het bestand is leeg", "the file is empty"),
]


def _post(world: WebWorld, name: str, content: bytes, query: str = "") -> str:
    client = world.client("data_steward")
    response = client.post(
        f"/upload{query}",
        data={"csrf_token": world.csrf(client), "record_type": "victim_registration"},
        files={"file": (name, content, "text/csv")},
    )
    assert response.status_code == 400, response.text
    assert 'href="#file"' in response.text
    return response.text


@pytest.mark.parametrize(("name", "content", "dutch", "english"), CASES)
def test_an_unusable_upload_is_refused_in_the_pages_language(
    world: WebWorld, name: str, content: bytes, dutch: str, english: str
) -> None:
    page = _post(world, name, content)
    assert dutch in html.unescape(page)
    assert english not in html.unescape(page) and untranslated(page) == []
    assert english in html.unescape(_post(world, name, content, "?lang=en"))


def test_a_file_error_says_its_problem_in_any_language_and_survives_a_worker() -> None:
    error = IngestFileError(
        Path("a.csv"), N_("missing required column(s) %(columns)s"), columns="'forms'"
    )
    assert str(error) == "a.csv: missing required column(s) 'forms'"
    assert error.describe("nl") == "verplichte kolommen ontbreken: 'forms'"
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.describe("nl")) == (str(error), error.describe("nl"))
    written = IngestFileError(Path("a.csv"), "a problem with 100% of the rows")
    assert written.describe("nl") == "a problem with 100% of the rows"  # not a message
