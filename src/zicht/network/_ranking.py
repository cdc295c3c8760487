"""Risk ranking of networks, each score with its reasons.

A network's score adds up what the chain's partners weigh when they choose which
network to take on first (programme letter; docs/network.md): one point per victim,
one more per minor victim and per suspect already brought to the prosecutor (OM),
and one for each of: exploitation across a border, more than one form of exploitation,
activity in the last year of the data (the year before its newest registration or
ad). The reasons are these terms, largest first, so that a rank can be read back.
Only networks that tie at least two holders (victims, suspects, ads) are ranked.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["REASONS", "RECENT_DAYS", "rank_networks"]

RECENT_DAYS = 365

# reason code -> what it counts (docs/network.md; messages of the web pages)
REASONS = ("victims", "minors", "suspects_om", "cross_border", "forms", "recent")

COLUMNS = [
    "network",
    "rank",
    "score",
    "nodes",
    "victims",
    "minors",
    "suspects",
    "suspects_om",
    "ads",
    "forms",
    "cross_border",
    "recent",
    "first_seen",
    "last_seen",
    "reasons",
]


def _forms(located: pd.DataFrame) -> pd.Series:
    """Per network (index): its distinct forms of exploitation, sorted, joined by ";".

    Each distinct (network, forms) pair is split once, not each holder's forms per
    network (a Python set per group cost 7 CPU-s on 20,000 networks).
    """
    pairs = located[["network", "forms"]].dropna().drop_duplicates()
    split = pairs.assign(form=pairs["forms"].astype(str).str.split(";")).explode("form")
    split = split[split["form"].notna() & (split["form"] != "")]
    split = split.drop_duplicates(["network", "form"]).sort_values(["network", "form"])
    joined = split.groupby("network")["form"].agg(";".join)
    networks = pd.Index(located["network"].unique()).sort_values()
    return joined.reindex(networks, fill_value="").astype(str)


def rank_networks(nodes: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """One row per ranked network with its profile, score and reasons.

    Args:
        nodes: `key`, `kind`, `network` of every node.
        facts: per holder registration or ad: `key`, `kind`, `minor`, `forms`,
            `cross_border`, `om`, `seen_on` (see `zicht.network._build`).
    """
    if facts.empty:
        return pd.DataFrame(columns=COLUMNS)
    located = facts.merge(nodes[["key", "network"]], on="key", how="inner")
    seen = pd.to_datetime(located["seen_on"])
    located = located.assign(seen=seen)
    newest = seen.max()
    holder = located.drop_duplicates("key")
    victims = holder[holder["kind"] == "person"].groupby("network").size()
    suspects = holder[holder["kind"] == "suspect"].groupby("network").size()
    ads = holder[holder["kind"] == "ad"].groupby("network").size()
    per_key = located.groupby("key").agg(
        network=("network", "first"),
        kind=("kind", "first"),
        minor=("minor", "max"),
        om=("om", "max"),
    )
    minors = per_key[(per_key["kind"] == "person") & per_key["minor"]].groupby("network").size()
    om = per_key[(per_key["kind"] == "suspect") & per_key["om"]].groupby("network").size()
    grouped = located.groupby("network")
    profile = pd.DataFrame(
        {
            "holders": holder.groupby("network").size(),
            "nodes": nodes.groupby("network").size(),
            "first_seen": grouped["seen"].min(),
            "last_seen": grouped["seen"].max(),
            "cross_border": grouped["cross_border"].max().astype(bool),
            "forms": _forms(located),
        }
    ).dropna(subset=["holders"])
    profile = profile[profile["holders"] >= 2].copy()
    for name, counts in (
        ("victims", victims),
        ("suspects", suspects),
        ("ads", ads),
        ("minors", minors),
        ("suspects_om", om),
    ):
        profile[name] = counts.reindex(profile.index).fillna(0).astype(np.int64)
    profile["recent"] = profile["last_seen"] >= newest - pd.Timedelta(days=RECENT_DAYS)
    n_forms = profile["forms"].str.count(";") + (profile["forms"] != "").astype(int)
    terms = pd.DataFrame(
        {
            "victims": profile["victims"],
            "minors": profile["minors"],
            "suspects_om": profile["suspects_om"],
            "cross_border": profile["cross_border"].astype(np.int64),
            "forms": (n_forms > 1).astype(np.int64),
            "recent": profile["recent"].astype(np.int64),
        }
    )
    profile["score"] = terms.sum(axis=1).astype(float)
    profile["reasons"] = [
        [[code, int(value)] for code, value in sorted(row.items(), key=lambda kv: -kv[1]) if value]
        for row in terms.to_dict("records")
    ]
    profile = profile.reset_index(names="network")
    profile = profile.sort_values(["score", "victims", "network"], ascending=[False, False, True])
    profile["rank"] = np.arange(1, len(profile) + 1)
    for column in ("first_seen", "last_seen"):
        profile[column] = [
            None if pd.isna(v) else dt.date(v.year, v.month, v.day) for v in profile[column]
        ]
    profile["nodes"] = profile["nodes"].astype(np.int64)
    return profile[COLUMNS].reset_index(drop=True)
