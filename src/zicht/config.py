"""Settings: every `ZICHT_*` environment variable, read once at each edge and passed down.

The edges are the command line (`zicht.cli.main`, one `Settings()` per invocation),
the web app factory (`zicht.web.app.create_app` when given none) and the server
processes, which get the object the command read. Library code takes the values it
needs as arguments and never reads the environment; nothing writes to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from zicht.privacy import Cipher, load_cipher

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Settings",
    "settings_errors",
    "settings_table",
    "sqlite_url",
    "variable_names",
]

DEFAULT_DATABASE_URL = "sqlite:///var/zicht.db"
ENV_PREFIX = "ZICHT_"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite database file."""
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    """What Zicht reads from its environment (an empty variable counts as unset)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the application database: SQLite "
        "(`sqlite:///FILE`) or PostgreSQL (`postgresql+psycopg://user@host/db`).",
    )
    secret_key_file: Path | None = Field(
        None,
        description="File holding the base64 AES-256 key for identity data "
        "(`zicht keys new --out FILE`); commands that decrypt and the web app refuse "
        "to start without a key.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="The identity-data key itself (base64), when no key file is used.",
    )
    pprl_secret_file: Path | None = Field(
        None,
        description="File holding the linkage secret shared with the partners that encode "
        "their files (`zicht pprl secret new --out FILE`); `zicht ingest` refuses an encoded "
        "file made with another secret.",
    )
    report_dir: Path | None = Field(
        None,
        description="Folder the web app serves report files from; default `report/` "
        "beside an SQLite database file, else `var/report`.",
    )
    log_level: LogLevel = Field(
        "WARNING",
        description="Level of the command line's log messages (DEBUG, INFO, WARNING, "
        "ERROR, CRITICAL); identifiers are never logged at any level.",
    )
    spark_master: str | None = Field(
        None,
        validation_alias=AliasChoices("ZICHT_SPARK_MASTER", "SPARK_MASTER"),
        description="Spark master URL for `zicht link --backend spark` when "
        "`--spark-master` is not given (also read from `SPARK_MASTER`); default "
        "`local[N]`.",
    )
    spark_driver_memory: str = Field(
        "2g",
        pattern=r"^[0-9]+[kmgtKMGT]?$",
        description="Memory of the Spark driver for `zicht link --backend spark` "
        "(`spark.driver.memory`, e.g. `4g`).",
    )
    audit_checkpoint_dir: Path | None = Field(
        None,
        description="Folder of the signed checkpoints of the audit trail's head (written at "
        "server start, every 100 entries and on `zicht audit verify`); default beside the "
        "SQLite database file, else beside the key file.",
    )
    language: str = Field(
        "nl",
        description="Language of the command line's messages and of pages and reports "
        "without a language of their own: a catalogue under `zicht/locale` (`nl`, `en`); "
        "an unknown one falls back to Dutch.",
    )

    opendata_k: int = Field(
        11,
        ge=2,
        description="k of the k-anonymity of `zicht opendata ctdc` (CTDC's own is 11: every "
        "combination of quasi-identifiers is shared by at least k persons); also the "
        "threshold of a rare combination in the synthetic data's utility report.",
    )
    opendata_epsilon: float = Field(
        1.0,
        gt=0,
        le=10,
        description="Privacy budget epsilon of `zicht opendata synthetic` when `--epsilon` "
        "is not given (pure differential privacy, delta 0).",
    )
    opendata_budget: float = Field(
        3.0,
        gt=0,
        le=100,
        description="Total privacy budget (epsilon) that the differentially private "
        "releases of one registration year may spend together, across link runs. Each "
        "new release of `zicht opendata synthetic` (or the web's download) spends its "
        "epsilon on every year it covers; one that would exceed this total is refused "
        "(docs/opendata.md).",
    )
    reporting_retention_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Days after its last activity that an anonymous report nobody took on "
        "(still new, or closed) is deleted with its messages and attachments by "
        "`zicht reporting purge` (docs/reporting.md).",
    )
    reporting_work_bits: int = Field(
        18,
        ge=0,
        le=28,
        description="Leading zero bits of SHA-256 a scripted client's proof of work must "
        "give on submitting a report (each bit doubles the work; 18 is about 0.3 s).",
    )
    reporting_form_wait: int = Field(
        5,
        ge=0,
        le=600,
        description="Seconds after a report form was shown from which it is accepted "
        "without a proof-of-work nonce (the browser path, which needs no JavaScript).",
    )
    reporting_messages_per_hour: int = Field(
        20,
        ge=1,
        le=1000,
        description="Messages a reporter may send per receipt per hour.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def cipher(self) -> Cipher:
        """The cipher for identity data; MissingKeyError when no key is configured."""
        key = self.secret_key.get_secret_value() if self.secret_key else None
        key_file = str(self.secret_key_file) if self.secret_key_file else None
        return load_cipher(key_file, key)


def variable_names(name: str) -> list[str]:
    """The environment variables a setting is read from, first the one Zicht documents."""
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [f"{ENV_PREFIX}{name.upper()}"]


def settings_errors(error: ValidationError) -> list[str]:
    """One line per invalid setting: the variable and the rule, never the value given."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        name = str(item["loc"][0]) if item["loc"] else ""
        variable = variable_names(name)[0] if name in Settings.model_fields else name
        lines.append(f"{variable}: {item['msg']}")
    return lines


def settings_table() -> str:
    """The Markdown table of every setting (docs/configuration.md holds this text)."""
    rows = ["| variable | default | what it is |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        variables = " or ".join(f"`{v}`" for v in variable_names(name))
        default = "–" if field.default is None else f"`{field.default}`"
        rows.append(f"| {variables} | {default} | {field.description} |")
    return "\n".join(rows) + "\n"
