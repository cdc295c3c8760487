"""Identities behind a network's nodes, only through the audited door of `zicht.access`.

Node labels are pseudonyms. When an analyst asks for identities, with a purpose, the
registrations behind the nodes are decrypted by `zicht.access.reveal_registrations`
(one ``view_identity`` entry per call, with actor and purpose, naming every registration
decrypted) and each node gets its value back: a holder its name, an identifier the
normal form whose keyed pseudonym it is.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from zicht.access import Look, reveal_registrations
from zicht.network._build import IDENTITY_FIELDS
from zicht.network._identifiers import normal_identifier
from zicht.privacy import Cipher

__all__ = ["node_identities"]


def _name(identity: dict[str, object]) -> str | None:
    parts = [identity.get("given_names"), identity.get("family_name")]
    text = " ".join(str(p) for p in parts if p)
    return text or None


def node_identities(
    engine: Engine, cipher: Cipher, look: Look, nodes: pd.DataFrame, edges: pd.DataFrame
) -> dict[int, str]:
    """node -> identity label for the nodes whose registrations are among `edges`.

    Args:
        nodes: `node`, `key`, `kind` of the nodes shown.
        edges: their edge evidence (`source_node`, `target_node`, `record_type`,
            `record_id`); ads are not decrypted (their contacts are keys already).
    """
    keys = dict(zip(nodes["node"], nodes["key"], strict=True))
    labels: dict[int, str] = {}
    types = ("victim_registration", "suspect_registration")
    mine_by_type = {
        record_type: edges[edges["record_type"] == record_type] for record_type in types
    }
    ids_by_type = {
        record_type: sorted({int(i) for i in mine["record_id"].dropna()})
        for record_type, mine in mine_by_type.items()
    }
    # one look for the whole network (also when it holds no registration: it was asked)
    revealed = reveal_registrations(engine, cipher, look, ids_by_type)
    for record_type, mine in mine_by_type.items():
        values = revealed[record_type]
        for holder, target, record_id in zip(
            mine["source_node"], mine["target_node"], mine["record_id"], strict=True
        ):
            identity = values.get(int(record_id), {})
            name = _name(identity)
            if name is not None and int(holder) in keys:
                labels.setdefault(int(holder), name)
            wanted = keys.get(int(target))
            if wanted is None:
                continue
            for field, kind in IDENTITY_FIELDS.items():
                normal = normal_identifier(
                    kind, identity.get(field), identity.get("postcode"), identity.get("city")
                )
                if normal is not None and cipher.pseudonym(normal) == wanted:
                    labels[int(target)] = normal.split("/", 1)[1]
                    break
    return labels
