"""`zicht link` over encoded and plain registrations in one run.

Registrations a partner delivered encoded carry their encodings; plain ones are
encoded here, on the server, with the same code and the same secret and hardening as
the partners (`encode_identities`), so that every registration is compared on
encodings alone. The run is then plain linkage's own (`run_linkage`): the same
training recipe, threshold choice, clustering, stored pairs with per-field weights
(explanations show similarities, never values) and evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from zicht.linkage import (
    ClusterOptions,
    EngineOptions,
    LinkageError,
    LinkResult,
    LinkRunSummary,
    TrainingOptions,
    run_linkage,
)
from zicht.pprl._bloom import Encoder, Hardening
from zicht.pprl._encode import encode_identities
from zicht.pprl._link import link_encoded
from zicht.pprl._secret import LinkageSecret
from zicht.pprl._table import encoded_table
from zicht.privacy import Cipher
from zicht.standard import RECORD_TYPES
from zicht.store.pprl import read_registration_encodings

__all__ = ["has_encodings", "joint_table_of", "run_encoded_linkage", "stored_hardening"]


def has_encodings(engine: Engine) -> bool:
    """Whether the store holds any registration delivered encoded."""
    return bool(read_registration_encodings(engine, limit=1))


def stored_hardening(stored: list[dict[str, Any]], secret: LinkageSecret) -> Hardening:
    """The one hardening of the stored encodings (default when there are none).

    Raises LinkageError when an encoding was made with another secret or when the
    partners used different hardenings (such encodings cannot be compared).
    """
    secrets = {row["secret_id"] for row in stored}
    if secrets - {secret.secret_id}:
        raise LinkageError(
            f"{sum(r['secret_id'] != secret.secret_id for r in stored)} encoded registration(s) "
            f"were made with another secret than {secret.secret_id}: they cannot be linked"
        )
    hardenings = {tuple(sorted(row["hardening"].items())) for row in stored}
    if len(hardenings) > 1:
        raise LinkageError(
            "the encoded registrations were made with different hardenings; "
            "the partners must encode with the same settings"
        )
    if not hardenings:
        return Hardening()
    try:
        return Hardening(**dict(hardenings.pop()))
    except (TypeError, ValueError):
        # Encodings of an older format (names salted with the birth year alone).
        raise LinkageError(
            "the encoded registrations were made with a hardening this Zicht no longer "
            "links; the partners must encode their files again"
        ) from None


def _clean(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and value != value) else value


def joint_table_of(
    stored: list[dict[str, Any]], secret: LinkageSecret, hardening: Hardening
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Makes the encoded linkage table of all registrations (read with their identity),
    once: the delivered encodings are let go once the table holds them (at a million
    registrations they would otherwise stay in memory through training and scoring)."""
    delivered = {
        int(row["registration_id"]): {k: bytes.fromhex(v) for k, v in row["encoding"].items()}
        for row in stored
    }
    fields = RECORD_TYPES["victim_registration"].identity_fields
    made: list[bool] = []

    def table_of(registrations: pd.DataFrame) -> pd.DataFrame:
        if made:
            raise RuntimeError("the encoded linkage table is made once per run")
        made.append(True)
        ids = registrations["registration_id"].astype("int64").tolist()
        plain_rows = [i for i, rid in enumerate(ids) if rid not in delivered]
        identities = [
            {
                name: _clean(registrations[name].iat[i])
                for name in fields
                if _clean(registrations[name].iat[i]) is not None
            }
            for i in plain_rows
        ]
        encoded_here = encode_identities(Encoder(secret, hardening), identities)
        encodings: list[dict[str, bytes]] = [delivered.get(rid, {}) for rid in ids]
        for i, encoding in zip(plain_rows, encoded_here, strict=True):
            encodings[i] = encoding
        delivered.clear()
        return encoded_table(ids, registrations["source"].tolist(), encodings, hardening)

    return table_of


def run_encoded_linkage(
    engine: Engine, cipher: Cipher, secret: LinkageSecret, **options: Any
) -> LinkRunSummary:
    """A full link run of every victim registration on encodings (see the module).

    `options` are those of `zicht.linkage.run_linkage` (backend, threshold, method, ...).
    Raises LinkageError as `run_linkage` does, and when stored encodings were made with
    another secret or with different hardenings.
    """
    stored = read_registration_encodings(engine)
    hardening = stored_hardening(stored, secret)
    table_of = joint_table_of(stored, secret, hardening)
    # The store's rows (hex text) are no longer needed once their bytes are taken: at
    # a million registrations they hold gigabytes for the whole run otherwise.
    del stored

    def linker(
        table: pd.DataFrame,
        engine_options: EngineOptions,
        clustering: ClusterOptions,
        training: TrainingOptions,
    ) -> LinkResult:
        return link_encoded(
            table, hardening, engine=engine_options, clustering=clustering, training=training
        )

    return run_linkage(
        engine,
        cipher,
        table_of=table_of,
        linker=linker,
        kind="encodings",
        **options,
    )
