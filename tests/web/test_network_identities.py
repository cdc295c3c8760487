"""An analyst's or coordinator's look at the identities behind a network's members.

The network is built by hand from registrations in the store (two police victims who
share the first one's phone, two FairWork victims who share the first one's phone), so
that the names and the phone the page must show are known from the decrypted records
(the oracle), not from the code under test. A look is a POSTed form with its CSRF
token and a purpose; it writes exactly one `view_identity` entry (actor, purpose, every
registration decrypted) and puts no identity in the URL or the logs.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

import pandas as pd
import pytest

from tests.web.conftest import ORGANISATION_OF, WebWorld
from zicht.access import ROLES, search
from zicht.network import Evidence, analyse_evidence, normal_identifier
from zicht.store import network as store
from zicht.store import read_records

PURPOSE = "controle van het netwerk 2024"
# who may look, by the brief (need-to-know): not derived from the permission table
MAY_LOOK = {"analyst", "coordinator"}


@dataclass(frozen=True)
class Planted:
    network: int
    names: list[str]  # the holders' names, from the decrypted registrations
    phone: str  # the shared identifier's normal form
    registrations: list[int]


def _plant(world: WebWorld) -> dict[str, Planted]:
    """One network per organisation (police, fairwork) of two of its registrations."""
    records = read_records(world.engine, "victim_registration", cipher=world.cipher)
    edges: list[tuple[object, ...]] = []
    holders: list[str] = []
    chosen: dict[str, tuple[list[int], list[str], str, str]] = {}
    for organisation in ("police", "fairwork"):
        theirs = records[(records["source"] == organisation) & records["family_name"].notna()]
        with_phone = theirs[theirs["phone"].notna()]
        mine = pd.concat([with_phone.head(1), theirs.drop(with_phone.index[:1]).head(1)])
        assert len(mine) == 2, organisation
        phone = normal_identifier("phone", mine["phone"].iloc[0])
        assert phone is not None
        key = world.cipher.pseudonym(phone)
        ids = [int(i) for i in mine["registration_id"]]
        names = [f"{g} {f}" for g, f in zip(mine["given_names"], mine["family_name"], strict=True)]
        for record_id in ids:
            holder = f"victim-registration:{record_id}"
            holders.append(holder)
            edges.append(
                (
                    holder,
                    key,
                    "phone",
                    "victim_registration",
                    record_id,
                    organisation,
                    dt.date(2024, 1, 5),
                )
            )
        chosen[organisation] = (ids, names, phone.split("/", 1)[1], key)
    edge_frame = pd.DataFrame(
        edges,
        columns=[
            "source_key",
            "target_key",
            "kind",
            "record_type",
            "record_id",
            "organisation",
            "seen_on",
        ],
    )
    facts = pd.DataFrame(
        {
            "key": holders,
            "kind": "person",
            "minor": False,
            "forms": "labour",
            "cross_border": False,
            "om": False,
            "seen_on": dt.date(2024, 1, 5),
        }
    )
    nodes = pd.concat(
        [
            pd.DataFrame({"key": holders, "kind": "person"}),
            pd.DataFrame({"key": [c[3] for c in chosen.values()], "kind": "phone"}),
        ],
        ignore_index=True,
    )
    nodes["label"] = [
        f"R{k.split(':')[1]}" if ":" in k else f"phone·{k[:10]}" for k in nodes["key"]
    ]
    nodes["ref"] = None
    result = analyse_evidence(Evidence(nodes=nodes, edges=edge_frame, facts=facts), None)
    run_id = store.start_network_run(world.engine, link_run_id=None, parameters={})
    store.write_network_results(world.engine, run_id, result.nodes, result.edges, result.networks)
    store.finish_network_run(
        world.engine,
        run_id,
        timings={},
        metrics={},
        nodes=len(result.nodes),
        edges=result.pairs,
        networks=len(result.networks),
    )
    network_of = dict(zip(result.nodes["key"], result.nodes["network"], strict=True))
    return {
        organisation: Planted(
            network=int(network_of[f"victim-registration:{ids[0]}"]),
            names=names,
            phone=phone,
            registrations=ids,
        )
        for organisation, (ids, names, phone, _) in chosen.items()
    }


def _looks(world: WebWorld) -> int:
    return search(world.engine, action="view_identity")[1]


def test_a_look_shows_the_members_and_writes_one_audit_entry(
    world: WebWorld, caplog: pytest.LogCaptureFixture
) -> None:
    planted = _plant(world)["police"]
    client = world.client("analyst")
    page = client.get(f"/networks/{planted.network}?lang=en")
    assert page.status_code == 200
    form = re.search(r'<form method="post" action="(/networks/\d+)"', page.text)
    assert form is not None and form.group(1) == f"/networks/{planted.network}"
    assert 'name="csrf_token"' in page.text
    assert not any(name in page.text for name in planted.names)
    assert planted.phone not in page.text

    caplog.set_level(logging.DEBUG)
    before = _looks(world)
    shown = client.post(
        f"/networks/{planted.network}?lang=en",
        data={"purpose": PURPOSE, "csrf_token": world.csrf(client)},
    )
    assert shown.status_code == 200
    for name in planted.names:
        assert name in shown.text
    assert planted.phone in shown.text
    assert 'method="post"' not in shown.text.split("<main", 1)[-1]  # no second form
    # exactly one entry, with the actor, the purpose and every registration decrypted
    entries, total = search(world.engine, action="view_identity")
    assert total == before + 1
    entry = entries[0]
    assert entry.actor == "analyst" and entry.purpose == PURPOSE
    assert sorted(entry.object_ids.split(",")) == sorted(
        f"victim_registration/{i}" for i in planted.registrations
    )
    assert search(world.engine, action="view_network")[1] == 1  # the GET, not the look
    # no identity in the URL the browser shows, nor in any log record
    assert str(shown.url).endswith(f"/networks/{planted.network}?lang=en")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (*planted.names, planted.phone, PURPOSE):
        assert secret not in logged
        assert secret not in str(shown.url)


def test_a_look_needs_a_purpose_and_the_csrf_token(world: WebWorld) -> None:
    planted = _plant(world)["fairwork"]
    client = world.client("coordinator")
    path = f"/networks/{planted.network}?lang=en"
    short = client.post(path, data={"purpose": "x", "csrf_token": world.csrf(client)})
    assert short.status_code == 200 and "State the purpose of access" in short.text
    forged = client.post(path, data={"purpose": PURPOSE})
    assert forged.status_code == 403
    for response in (short, forged):
        assert not any(name in response.text for name in planted.names)
    assert _looks(world) == 0
    # the old way, a purpose in the URL, shows nothing and decrypts nothing
    old = client.get(f"{path}&identities=1&purpose={PURPOSE.replace(' ', '+')}")
    assert old.status_code == 200
    assert not any(name in old.text for name in planted.names)
    assert _looks(world) == 0


def test_who_may_look_roles_by_own_and_other_organisation(sqlite_world: WebWorld) -> None:
    """Every role against the police network (its own for the police roles) and the
    FairWork network (another organisation's for all): analysts and coordinators may
    look, whatever the organisation; nobody else, even a police data steward who may see
    identities of police registrations elsewhere."""
    world = sqlite_world
    planted = _plant(world)
    seen: dict[tuple[str, str], bool] = {}
    for role in ROLES:
        client = world.client(role)
        for organisation, network in planted.items():
            relation = "own" if ORGANISATION_OF[role] == organisation else "other"
            before = _looks(world)
            page = client.get(f"/networks/{network.network}")
            response = client.post(
                f"/networks/{network.network}",
                data={"purpose": PURPOSE, "csrf_token": world.csrf(client)},
            )
            looked = response.status_code == 200
            seen[(role, relation)] = looked
            assert _looks(world) == before + (1 if looked else 0), (role, organisation)
            if looked:
                assert all(name in response.text for name in network.names)
                assert 'name="purpose"' in page.text
            else:
                assert response.status_code == 403, (role, organisation)
                assert not any(name in response.text for name in network.names)
                assert 'name="purpose"' not in page.text
    assert seen == {key: key[0] in MAY_LOOK for key in seen}
    assert ("data_steward", "own") in seen and ("analyst", "other") in seen
