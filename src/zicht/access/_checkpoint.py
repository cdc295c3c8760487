"""Signed checkpoints of the audit chain's head, kept where the database cannot rewrite them.

The hash chain shows an entry altered in the middle, but whoever can write the database
can delete the newest entries, or rewrite an entry and every later hash, and leave a
valid chain. So the head (sequence number and entry hash) is written periodically to a
file outside the database, signed with HMAC-SHA256 under a key derived from the secret
key (`Cipher.derived_key`): every `CHECKPOINT_EVERY` entries by the process that writes
them, at server start and on every `zicht audit verify`. `verify` checks the chain
against the last checkpoint. A checkpoint never moves backwards, and is not replaced
when the chain no longer holds the head it recorded (the evidence stays).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zicht.privacy import Cipher
from zicht.store.audit import entry_hash_at

__all__ = ["CHECKPOINT_EVERY", "Checkpoint", "CheckpointError", "Checkpoints", "default_directory"]

CHECKPOINT_EVERY = 100
_LABEL = "audit-checkpoint"
log = logging.getLogger(__name__)


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read or whose signature does not match."""


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at one moment: `seq` entries, the last with `head_hash`."""

    seq: int
    head_hash: str
    at: str


def _database_id(engine: Engine) -> str:
    return hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()


def default_directory(engine: Engine, key_file: str | None) -> Path | None:
    """Beside the SQLite database file, else beside the key file, else none."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).resolve().parent
    if key_file:
        return Path(key_file).resolve().parent
    return None


@dataclass(frozen=True)
class Checkpoints:
    """The checkpoint file of one database and the key that signs it."""

    path: Path
    database: str
    key: bytes

    @classmethod
    def of(cls, engine: Engine, cipher: Cipher, directory: Path) -> Checkpoints:
        """Checkpoints of `engine`'s audit trail in `directory` (one file per database)."""
        database = _database_id(engine)
        path = Path(directory) / f"zicht-audit-checkpoint-{database[:16]}.json"
        return cls(path, database, cipher.derived_key(_LABEL))

    def _signature(self, checkpoint: Checkpoint) -> str:
        fields = {"database": self.database, **checkpoint.__dict__}
        message = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def read(self) -> Checkpoint | None:
        """The last checkpoint, None when there is none yet; CheckpointError when forged."""
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            checkpoint = Checkpoint(int(stored["seq"]), str(stored["head_hash"]), str(stored["at"]))
            signature = str(stored["signature"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            raise CheckpointError(f"{self.path.name}: not a checkpoint file") from None
        if stored.get("database") != self.database or not hmac.compare_digest(
            signature, self._signature(checkpoint)
        ):
            raise CheckpointError(f"{self.path.name}: the signature does not match")
        return checkpoint

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def advance(self, engine: Engine, seq: int, head_hash: str) -> bool:
        """Record `seq`/`head_hash` as the newest checkpoint; False when it is refused.

        Refused (and logged) when the last checkpoint is further along, or when the
        chain no longer holds the head the last checkpoint recorded.
        """
        with self._locked():
            try:
                last = self.read()
            except CheckpointError as exc:
                log.error("audit checkpoint not replaced: %s", exc)
                return False
            if last is not None:
                if last.seq > seq:
                    return False
                if last.seq > 0 and entry_hash_at(engine, last.seq) != last.head_hash:
                    log.error("audit checkpoint not replaced: the chain lost its recorded head")
                    return False
            at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            checkpoint = Checkpoint(seq, head_hash, at)
            body = {
                "database": self.database,
                **checkpoint.__dict__,
                "signature": self._signature(checkpoint),
            }
            temporary = self.path.with_suffix(".part")
            temporary.write_text(json.dumps(body, sort_keys=True) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
            return True
