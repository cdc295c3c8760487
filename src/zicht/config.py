"""Settings from ZICHT_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zicht.privacy import Cipher, load_cipher

__all__ = ["DEFAULT_DATABASE_URL", "Settings", "sqlite_url"]

DEFAULT_DATABASE_URL = "sqlite:///var/zicht.db"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite database file."""
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    """What Zicht reads from its environment.

    ZICHT_DATABASE_URL     application database (default sqlite:///var/zicht.db)
    ZICHT_SECRET_KEY_FILE  file holding the base64 AES-256 key for identity data
    ZICHT_SECRET_KEY       the key itself (base64), when no file is used
    ZICHT_AUDIT_CHECKPOINT_DIR  folder of the signed audit checkpoints (default: beside
                           the SQLite database, else beside the key file)
    ZICHT_LANGUAGE         language of the command line's messages (default nl)
    """

    database_url: str
    secret_key_file: str | None
    secret_key: str | None
    audit_checkpoint_dir: str | None = None
    language: str = "nl"

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment."""
        return cls(
            database_url=os.environ.get("ZICHT_DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key_file=os.environ.get("ZICHT_SECRET_KEY_FILE") or None,
            secret_key=os.environ.get("ZICHT_SECRET_KEY") or None,
            audit_checkpoint_dir=os.environ.get("ZICHT_AUDIT_CHECKPOINT_DIR") or None,
            language=os.environ.get("ZICHT_LANGUAGE") or "nl",
        )

    def cipher(self) -> Cipher:
        """The cipher for identity data; MissingKeyError when no key is configured."""
        return load_cipher(self.secret_key_file, self.secret_key)
