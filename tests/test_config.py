"""Settings: every ZICHT_* variable read in one place, documented, errors without values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from zicht.cli import app
from zicht.config import Settings, settings_errors, settings_table, variable_names

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "src" / "zicht"
# Read by the test suite only (tests/conftest.py), not by Zicht; docs/configuration.md
# lists them apart.
TEST_ONLY = {"ZICHT_TEST_POSTGRES_URL", "ZICHT_CHROMIUM"}
# Every setting, by hand: the variable, a value to set, and what Settings must make of it.
EXPECTED = {
    "ZICHT_DATABASE_URL": ("postgresql+psycopg://u@h/db", "database_url", "postgresql+psycopg://u@h/db"),
    "ZICHT_SECRET_KEY_FILE": ("/keys/zicht.key", "secret_key_file", Path("/keys/zicht.key")),
    "ZICHT_SECRET_KEY": ("a2V5", "secret_key", "a2V5"),
    "ZICHT_PPRL_SECRET_FILE": ("/keys/pprl.json", "pprl_secret_file", Path("/keys/pprl.json")),
    "ZICHT_REPORT_DIR": ("/srv/report", "report_dir", Path("/srv/report")),
    "ZICHT_LOG_LEVEL": ("debug", "log_level", "DEBUG"),
    "ZICHT_SPARK_MASTER": ("spark://h:7077", "spark_master", "spark://h:7077"),
    "ZICHT_SPARK_DRIVER_MEMORY": ("4g", "spark_driver_memory", "4g"),
    "ZICHT_AUDIT_CHECKPOINT_DIR": ("/srv/audit", "audit_checkpoint_dir", Path("/srv/audit")),
    "ZICHT_LANGUAGE": ("en", "language", "en"),
    "ZICHT_OPENDATA_K": ("20", "opendata_k", 20),
    "ZICHT_OPENDATA_EPSILON": ("0.5", "opendata_epsilon", 0.5),
    "ZICHT_OPENDATA_BUDGET": ("2.5", "opendata_budget", 2.5),
    "ZICHT_REPORTING_RETENTION_DAYS": ("30", "reporting_retention_days", 30),
    "ZICHT_REPORTING_WORK_BITS": ("12", "reporting_work_bits", 12),
    "ZICHT_REPORTING_FORM_WAIT": ("0", "reporting_form_wait", 0),
    "ZICHT_REPORTING_MESSAGES_PER_HOUR": ("3", "reporting_messages_per_hour", 3),
}  # fmt: skip
DEFAULTS = {
    "database_url": "sqlite:///var/zicht.db",
    "secret_key_file": None,
    "secret_key": None,
    "pprl_secret_file": None,
    "report_dir": None,
    "log_level": "WARNING",
    "spark_master": None,
    "spark_driver_memory": "2g",
    "audit_checkpoint_dir": None,
    "language": "nl",
    "opendata_k": 11,
    "opendata_epsilon": 1.0,
    "reporting_retention_days": 90,
    "reporting_work_bits": 18,
    "reporting_form_wait": 5,
    "reporting_messages_per_hour": 20,
}


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with no setting of Zicht in it."""
    for variable in [*EXPECTED, "SPARK_MASTER"]:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def _value(settings: Settings, name: str) -> object:
    value = getattr(settings, name)
    return value.get_secret_value() if hasattr(value, "get_secret_value") else value


def test_every_variable_is_read_into_its_setting(clean: pytest.MonkeyPatch) -> None:
    for variable, (raw, _name, _value_expected) in EXPECTED.items():
        clean.setenv(variable, raw)
    settings = Settings()
    assert {name: _value(settings, name) for _, name, _ in EXPECTED.values()} == {
        name: value for _, name, value in EXPECTED.values()
    }
    assert set(Settings.model_fields) == {name for _, name, _ in EXPECTED.values()}


def test_defaults_and_empty_variables(clean: pytest.MonkeyPatch) -> None:
    assert {name: _value(Settings(), name) for name in DEFAULTS} == DEFAULTS
    for variable in EXPECTED:
        clean.setenv(variable, "")  # an empty variable counts as unset
    assert {name: _value(Settings(), name) for name in DEFAULTS} == DEFAULTS


def test_spark_master_is_also_read_from_spark_master(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("SPARK_MASTER", "yarn")
    assert Settings().spark_master == "yarn"
    clean.setenv("ZICHT_SPARK_MASTER", "local[3]")
    assert Settings().spark_master == "local[3]"


def test_the_key_is_never_shown(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("ZICHT_SECRET_KEY", "c2VjcmV0LWtleS12YWx1ZQ==")
    settings = Settings()
    assert "c2VjcmV0LWtleS12YWx1ZQ" not in repr(settings)
    assert "c2VjcmV0LWtleS12YWx1ZQ" not in str(settings.model_dump())


def test_invalid_settings_name_the_variable_and_rule_never_the_value(
    clean: pytest.MonkeyPatch,
) -> None:
    clean.setenv("ZICHT_LOG_LEVEL", "loud-9f3a")
    clean.setenv("ZICHT_SPARK_DRIVER_MEMORY", "plenty-9f3a")
    with pytest.raises(ValidationError) as raised:
        Settings()
    lines = settings_errors(raised.value)
    assert [line.split(":")[0] for line in lines] == [
        "ZICHT_LOG_LEVEL",
        "ZICHT_SPARK_DRIVER_MEMORY",
    ]
    assert not any("9f3a" in line for line in lines)


def test_the_command_line_refuses_an_invalid_setting_in_one_line(
    clean: pytest.MonkeyPatch,
) -> None:
    clean.setenv("ZICHT_LOG_LEVEL", "loud-9f3a")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "zicht: error: ZICHT_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' "
        "or 'CRITICAL'"
    ]


def test_the_console_script_refuses_an_invalid_setting_before_anything(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env["PYTHONPATH"] = str(SOURCE.parent)  # this checkout's code, from another folder
    finished = subprocess.run(
        [sys.executable, "-c", "from zicht.cli import main; main()", "db", "upgrade"],
        env=env
        | {"ZICHT_SPARK_DRIVER_MEMORY": "plenty-9f3a", "ZICHT_DATABASE_URL": "sqlite:///z.db"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "zicht: error: ZICHT_SPARK_DRIVER_MEMORY: String should match pattern '^[0-9]+[kmgtKMGT]?$'"
    ]
    assert list(tmp_path.iterdir()) == []  # no database was made


def test_no_code_reads_or_writes_the_environment_but_the_settings() -> None:
    """Library code and edges alike get their settings passed; only pydantic reads them."""
    pattern = re.compile(r"os\.environ|getenv|putenv|environ\[")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_every_zicht_variable_named_anywhere_is_a_setting() -> None:
    settings = {v for name in Settings.model_fields for v in variable_names(name)}
    named: dict[str, str] = {}
    for path in [*SOURCE.rglob("*.py"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]:
        for variable in re.findall(r"ZICHT_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8")):
            named.setdefault(variable, str(path.relative_to(ROOT)))
    unknown = {v: where for v, where in named.items() if v not in settings | TEST_ONLY}
    assert unknown == {}


def test_docs_configuration_holds_the_generated_settings_table() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert settings_table() in text
    for variable in TEST_ONLY:
        assert f"`{variable}`" in text
    assert "(docs/configuration.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_settings_table_changes_with_the_settings() -> None:
    """The table is made from the fields (so the docs test fails when a setting changes)."""
    table = settings_table().splitlines()
    assert table[:2] == ["| variable | default | what it is |", "|---|---|---|"]
    assert [row.split(" | ")[0].removeprefix("| ") for row in table[2:]] == [
        "`ZICHT_DATABASE_URL`",
        "`ZICHT_SECRET_KEY_FILE`",
        "`ZICHT_SECRET_KEY`",
        "`ZICHT_PPRL_SECRET_FILE`",
        "`ZICHT_REPORT_DIR`",
        "`ZICHT_LOG_LEVEL`",
        "`ZICHT_SPARK_MASTER` or `SPARK_MASTER`",
        "`ZICHT_SPARK_DRIVER_MEMORY`",
        "`ZICHT_AUDIT_CHECKPOINT_DIR`",
        "`ZICHT_LANGUAGE`",
        "`ZICHT_OPENDATA_K`",
        "`ZICHT_OPENDATA_EPSILON`",
        "`ZICHT_OPENDATA_BUDGET`",
        "`ZICHT_REPORTING_RETENTION_DAYS`",
        "`ZICHT_REPORTING_WORK_BITS`",
        "`ZICHT_REPORTING_FORM_WAIT`",
        "`ZICHT_REPORTING_MESSAGES_PER_HOUR`",
    ]
    assert all(row.count(" | ") == 2 and len(row.split(" | ")[2]) > 20 for row in table[2:])


def test_the_spark_settings_reach_the_link_run(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import zicht.linkage
    from zicht.privacy import write_key_file
    from zicht.store import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    write_key_file(tmp_path / "zicht.key")
    asked: list[dict[str, object]] = []

    def run_linkage(*_args: object, **options: object) -> object:
        asked.append(options)
        raise zicht.linkage.LinkageError("stopped by the test")

    clean.setattr(zicht.linkage, "run_linkage", run_linkage)
    clean.setenv("ZICHT_DATABASE_URL", url)
    clean.setenv("ZICHT_SECRET_KEY_FILE", str(tmp_path / "zicht.key"))
    clean.setenv("ZICHT_SPARK_DRIVER_MEMORY", "3g")
    clean.setenv("SPARK_MASTER", "local[1]")
    runner = CliRunner()
    assert runner.invoke(app, ["link", "--backend", "spark"]).exit_code == 2
    assert runner.invoke(app, ["link", "--spark-master", "local[2]"]).exit_code == 2
    assert [(a["spark_master"], a["spark_driver_memory"]) for a in asked] == [
        ("local[1]", "3g"),
        ("local[2]", "3g"),
    ]


def test_the_report_folder_reaches_the_web_app(clean: pytest.MonkeyPatch) -> None:
    from zicht.privacy import Cipher, generate_key
    from zicht.web.app import create_app

    clean.setenv("ZICHT_REPORT_DIR", "/srv/zicht-reports")
    built = create_app(Settings(database_url="sqlite://"), cipher=Cipher(generate_key()))
    assert built.state.zicht.report_dir == Path("/srv/zicht-reports")
    beside = Settings(database_url="sqlite:////data/zicht.db", report_dir=None)
    clean.delenv("ZICHT_REPORT_DIR")
    built = create_app(beside, cipher=Cipher(generate_key()))
    assert built.state.zicht.report_dir == Path("/data/report")
