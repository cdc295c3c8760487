"""From stored registrations and ads to the graph's evidence: holders, identifiers, edges.

Holders are the nodes that registrations and ads are about: linked victims (``person``,
one node per person of the link run), suspects (``suspect``: one node per name and
birth date, a keyed pseudonym) and ``ad``. Every identifier a holder's registration
carries becomes an identifier node keyed by the keyed pseudonym of its normal form,
and one evidence row: which registration, which organisation, which day. An ad adds
its contacts, its licence and its operator (the ad screening's cluster).
Decrypting the identities here is processing inside one job, like linkage's, and is
not a look by a person (docs/privacy.md); no value leaves this module unkeyed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.network._identifiers import normal_identifier
from zicht.privacy import Cipher

__all__ = ["IDENTITY_FIELDS", "Evidence", "GraphInputs", "collect_evidence"]

EDGE_FIELDS = [
    "source_key",
    "target_key",
    "kind",
    "record_type",
    "record_id",
    "organisation",
    "seen_on",
]
FACT_FIELDS = ["key", "kind", "minor", "forms", "cross_border", "om", "seen_on"]

# identity field of a registration -> kind of identifier node
IDENTITY_FIELDS = {
    "phone": "phone",
    "email": "email",
    "bank_account": "iban",
    "company_registration_number": "employer",
    "address": "address",
    "postcode": "postcode",
}


@dataclass(frozen=True)
class GraphInputs:
    """What the graph is built from (identity columns decrypted, never stored).

    victims: victim registrations with `person_id` (of the link run; may be missing).
    suspects: suspect registrations. ads, contacts: `zicht.store.network.read_ad_links`.
    """

    victims: pd.DataFrame
    suspects: pd.DataFrame
    ads: pd.DataFrame
    contacts: pd.DataFrame


@dataclass(frozen=True)
class Evidence:
    """Nodes (`key`, `kind`, `label`, `ref`), edge evidence and per-holder facts."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    facts: pd.DataFrame


def _short(prefix: str, key: str) -> str:
    return f"{prefix}·{key[:10]}"


def _identifier_edges(
    frame: pd.DataFrame, holder: pd.Series, record_type: str, cipher: Cipher
) -> list[pd.DataFrame]:
    parts: list[pd.DataFrame] = []
    cache: dict[str, str] = {}
    for field, kind in IDENTITY_FIELDS.items():
        if field not in frame:
            continue
        postcode = frame["postcode"] if "postcode" in frame else pd.Series(None, frame.index)
        city = frame["city"] if "city" in frame else pd.Series(None, frame.index)
        normal = [
            normal_identifier(kind, value, p, c)
            for value, p, c in zip(frame[field], postcode, city, strict=True)
        ]
        keep = np.array([n is not None for n in normal], dtype=bool)
        if not keep.any():
            continue
        keys = [cache.setdefault(n, cipher.pseudonym(n)) for n in normal if n is not None]
        parts.append(
            pd.DataFrame(
                {
                    "source_key": holder.to_numpy()[keep],
                    "target_key": keys,
                    "kind": kind,
                    "record_type": record_type,
                    "record_id": frame["registration_id"].to_numpy()[keep],
                    "organisation": frame["source"].to_numpy()[keep],
                    "seen_on": frame["registration_date"].to_numpy()[keep],
                }
            )
        )
    return parts


def _cross_border(frame: pd.DataFrame) -> pd.Series:
    abroad = frame["country_of_exploitation"].notna() & (frame["country_of_exploitation"] != "NL")
    return abroad | frame["forms"].str.contains("cross_border", regex=False)


def _victims(inputs: GraphInputs) -> tuple[pd.DataFrame, pd.Series]:
    victims = inputs.victims
    person = victims["person_id"]
    holder = pd.Series(
        np.where(
            person.notna(),
            "person:" + person.astype("Int64").astype(str),
            "victim-registration:" + victims["registration_id"].astype(str),
        ),
        index=victims.index,
    )
    facts = pd.DataFrame(
        {
            "key": holder,
            "kind": "person",
            "minor": victims["minor"].fillna(False).astype(bool),
            "forms": victims["forms"],
            "cross_border": _cross_border(victims),
            "om": False,
            "seen_on": victims["registration_date"],
        }
    )
    return facts, holder


def _suspect_key(row: tuple[object, ...], cipher: Cipher) -> str | None:
    family, given, born, year = row
    if not isinstance(family, str) or not family.strip():
        return None
    birth = born if born is not None and born == born else year
    if birth is None or birth != birth:
        return None
    names = " ".join(f"{given or ''} {family}".casefold().split())
    return cipher.pseudonym(f"suspect/{names}/{birth}")


def _suspects(inputs: GraphInputs, cipher: Cipher) -> tuple[pd.DataFrame, pd.Series]:
    suspects = inputs.suspects
    named = [
        _suspect_key(row, cipher)
        for row in zip(
            suspects["family_name"],
            suspects["given_names"],
            suspects["date_of_birth"],
            suspects["birth_year"],
            strict=True,
        )
    ]
    holder = pd.Series(
        [
            key if key is not None else f"suspect-registration:{rid}"
            for key, rid in zip(named, suspects["registration_id"], strict=True)
        ],
        index=suspects.index,
        dtype=object,
    )
    facts = pd.DataFrame(
        {
            "key": holder,
            "kind": "suspect",
            "minor": False,
            "forms": suspects["forms"],
            "cross_border": suspects["forms"].str.contains("cross_border", regex=False),
            "om": suspects["referred_to_prosecutor"].fillna(False).astype(bool),
            "seen_on": suspects["registration_date"],
        }
    )
    return facts, holder


def _ads(inputs: GraphInputs) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    ads, contacts = inputs.ads, inputs.contacts
    key = "ad:" + ads["ad"].astype(str)
    day = pd.to_datetime(ads["posted_at"]).dt.date
    facts = pd.DataFrame(
        {
            "key": key,
            "kind": "ad",
            "minor": False,
            "forms": "",
            "cross_border": False,
            "om": False,
            "seen_on": day,
        }
    )
    base = pd.DataFrame(
        {"ad": ads["ad"], "key": key, "platform": ads["platform"], "day": day}
    ).set_index("ad")
    parts: list[pd.DataFrame] = []
    if len(contacts):
        joined = base.loc[contacts["ad"].to_numpy()]
        parts.append(
            pd.DataFrame(
                {
                    "source_key": joined["key"].to_numpy(),
                    "target_key": contacts["key"].to_numpy(),
                    "kind": contacts["kind"].to_numpy(),
                    "record_type": "ad",
                    "record_id": contacts["ad"].to_numpy(),
                    "organisation": joined["platform"].to_numpy(),
                    "seen_on": joined["day"].to_numpy(),
                }
            )
        )
    for column, kind in (("licence_key", "licence"), ("cluster_id", "operator")):
        has = ads[column].notna().to_numpy()
        if not has.any():
            continue
        values = ads[column][has]
        target = (
            values.astype(str)
            if kind == "licence"
            else "operator:" + values.astype(int).astype(str)
        )
        parts.append(
            pd.DataFrame(
                {
                    "source_key": key[has].to_numpy(),
                    "target_key": target.to_numpy(dtype=object),
                    "kind": kind,
                    "record_type": "ad",
                    "record_id": ads["ad"][has].to_numpy(),
                    "organisation": ads["platform"][has].to_numpy(),
                    "seen_on": day[has].to_numpy(),
                }
            )
        )
    return facts, parts


def _label(key: str, kind: str) -> tuple[str, str | None]:
    if kind == "person" and key.startswith("person:"):
        ref = key.split(":", 1)[1]
        return f"P{ref}", ref
    if key.startswith("victim-registration:"):
        return f"R{key.split(':', 1)[1]}", None
    if kind in ("ad", "operator") or ":" in key:
        ref = key.split(":", 1)[1]
        return f"{kind[0].upper()}{ref}", ref
    return _short(kind, key), None


def collect_evidence(inputs: GraphInputs, cipher: Cipher) -> Evidence:
    """Every holder, identifier and edge of the graph, with the facts ranking needs."""
    victim_facts, victim_holder = _victims(inputs)
    suspect_facts, suspect_holder = _suspects(inputs, cipher)
    ad_facts, ad_edges = _ads(inputs)
    parts = _identifier_edges(inputs.victims, victim_holder, "victim_registration", cipher)
    parts += _identifier_edges(inputs.suspects, suspect_holder, "suspect_registration", cipher)
    parts += ad_edges
    edges = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({name: [] for name in EDGE_FIELDS})
    )[EDGE_FIELDS]
    facts = pd.concat([victim_facts, suspect_facts, ad_facts], ignore_index=True)[FACT_FIELDS]
    holders = facts[["key", "kind"]].drop_duplicates("key")
    targets = edges[["target_key", "kind"]].drop_duplicates("target_key")
    targets = targets.rename(columns={"target_key": "key"})
    targets = targets[~targets["key"].isin(holders["key"])]
    nodes = pd.concat([holders, targets], ignore_index=True)
    labels = [_label(k, kind) for k, kind in zip(nodes["key"], nodes["kind"], strict=True)]
    nodes["label"] = [label for label, _ in labels]
    nodes["ref"] = [ref for _, ref in labels]
    return Evidence(nodes=nodes, edges=edges, facts=facts)
