"""The command line: one clear line and exit 2 for every bad input, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from zicht.cli import app
from zicht.store import QuarantineRow, VictimRegistrationRow, make_engine

EXAMPLES = Path(__file__).parents[2] / "examples"
README = Path(__file__).parents[2] / "README.md"
runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return {"url": database_url, "key": str(key)}


def _stored(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        records = connection.execute(
            select(func.count()).select_from(VictimRegistrationRow)
        ).scalar_one()
        quarantined = connection.execute(
            select(func.count()).select_from(QuarantineRow)
        ).scalar_one()
    engine.dispose()
    return int(records), int(quarantined)


def test_ingest_example_then_export_quarantine(env: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            str(EXAMPLES / "police_victims.csv"),
            "--source",
            "police",
            "--mapping",
            str(EXAMPLES / "police_victims.mapping.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "police_victims.csv" in result.output and "quarantined" in result.output
    assert "Kowalski" not in result.output
    out = tmp_path / "fix.csv"
    result = runner.invoke(
        app,
        ["quarantine", "export", "--source", "police", "--out", str(out), "--purpose", "correct"],
    )
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n") == 5


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("empty.csv", b"", [], "file is empty"),
        ("binary.csv", b"\x00\x01\x02\x03", [], "binary"),
        ("missing.csv", None, [], "does not exist"),
        ("notes.pdf", b"%PDF", [], "unsupported file type"),
        ("cols.csv", b"RegNr;Datum\n1;2\n", [], "missing required column"),
        ("ok.csv", b"a\n", ["--source", "interpol"], "unknown source"),
    ],
)
def test_ingest_file_errors(
    env: dict[str, str],
    tmp_path: Path,
    name: str,
    content: bytes | None,
    args: list[str],
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    source = args if args else ["--source", "police"]
    result = runner.invoke(
        app,
        ["ingest", str(path), *source, "--mapping", str(EXAMPLES / "police_victims.mapping.yaml")],
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("zicht ingest: error: ") and message in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert _stored(env["url"]) == (0, 0)


def test_mapping_with_unknown_field(env: dict[str, str], tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("source: police\ncolumns: {RegNr: shoe_size}\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "ingest",
            str(EXAMPLES / "police_victims.csv"),
            "--source",
            "police",
            "--mapping",
            str(mapping),
        ],
    )
    assert result.exit_code == 2
    assert "unknown field(s) of victim_registration: shoe_size" in result.stderr


def test_only_bad_rows_exit_1(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "source_record_id,registration_date,forms\nA,2020-01-01,nope\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["ingest", str(path), "--source", "police"])
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert _stored(env["url"]) == (0, 1)


def test_ingest_without_key_says_how_to_make_one(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZICHT_SECRET_KEY_FILE")
    monkeypatch.delenv("ZICHT_SECRET_KEY", raising=False)
    result = runner.invoke(
        app,
        [
            "ingest",
            str(EXAMPLES / "police_victims.csv"),
            "--source",
            "police",
            "--mapping",
            str(EXAMPLES / "police_victims.mapping.yaml"),
        ],
    )
    assert result.exit_code == 2
    assert "zicht keys new --out FILE" in result.stderr


def test_unmigrated_database_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zicht.store import make_engine, upgrade

    key = tmp_path / "k"
    runner.invoke(app, ["keys", "new", "--out", str(key)])
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0001")  # an older store: only a database without tables is created
    engine.dispose()
    monkeypatch.setenv("ZICHT_DATABASE_URL", url)
    result = runner.invoke(
        app,
        [
            "ingest",
            str(EXAMPLES / "police_victims.csv"),
            "--source",
            "police",
            "--mapping",
            str(EXAMPLES / "police_victims.mapping.yaml"),
        ],
    )
    assert result.exit_code == 2 and "zicht db upgrade" in result.stderr


def test_standard_schema_writes_one_file_per_record_type(tmp_path: Path) -> None:
    result = runner.invoke(app, ["standard", "schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "report.schema.json",
        "suspect_registration.schema.json",
        "victim_registration.schema.json",
    ]
    document = json.loads(
        (tmp_path / "victim_registration.schema.json").read_text(encoding="utf-8")
    )
    assert "identity" in document["properties"]


def test_keys_new_refuses_to_overwrite(tmp_path: Path) -> None:
    key = tmp_path / "k"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    result = runner.invoke(app, ["keys", "new", "--out", str(key)])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr


def _command_paths(typer_app: typer.Typer, prefix: str = "zicht") -> list[str]:
    paths = []
    for command in typer_app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        paths.append(f"{prefix} {name}")
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        paths.append(f"{prefix} {group.name}")
        paths.extend(_command_paths(group.typer_instance, f"{prefix} {group.name}"))
    return paths


def test_readme_names_every_command() -> None:
    readme = README.read_text(encoding="utf-8")
    for path in _command_paths(app):
        words = path.split()[1:]
        assert any(
            all(word in line for word in words) for line in readme.splitlines() if "zicht" in line
        ), f"README does not mention `{path}`"


def test_a_database_error_stores_nothing_and_prints_no_value(
    env: dict[str, str], tmp_path: Path
) -> None:
    engine = make_engine(env["url"])
    with engine.begin() as connection:  # a store that refuses every new registration
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON victim_registration "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON victim_registration "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
    engine.dispose()
    path = tmp_path / "victims.csv"
    path.write_text(
        "source_record_id,registration_date,forms,family_name\n"
        "SECRET-ID-1,2020-01-01,labour,Kowalski\n"
        "SECRET-ID-2,2020-01-01,nope,Okafor\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(path), "--source", "police"])
    assert result.exit_code == 2
    assert "database refused the ingest" in result.output
    assert "nothing from the file was stored" in result.output
    for value in ("SECRET-ID", "Kowalski", "Okafor", "2020-01-01"):
        assert value not in result.output
    assert _stored(env["url"]) == (0, 0)
