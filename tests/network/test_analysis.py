"""The analysis of a hand-made graph: networks, centrality, ranking, change (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.network.world import TRUE_NETWORKS, evidence
from zicht.network import (
    GraphInputs,
    analyse,
    analyse_evidence,
    collect_evidence,
    compare_runs,
    hub_fence,
    specificity,
    weighted_pairs,
)
from zicht.privacy import Cipher, generate_key


def _groups(nodes: pd.DataFrame) -> list[set[str]]:
    return [set(group["key"]) for _, group in nodes.groupby("network")]


def test_networks_are_the_ones_built_in() -> None:
    result = analyse_evidence(evidence(), None)
    assert sorted(map(sorted, _groups(result.nodes))) == sorted(map(sorted, TRUE_NETWORKS))
    # components over hard identifiers leave the address out: persons 3 and 4 stay apart
    component = dict(zip(result.nodes["key"], result.nodes["component"], strict=True))
    assert component["person:3"] != component["person:4"]
    assert component["person:1"] == component["suspect-x"]


def test_brokers_and_bridges_of_a_path() -> None:
    result = analyse_evidence(evidence(), None)
    nodes = result.nodes.set_index("key")
    # the path person:1 - phone - person:2 - iban - suspect: its inner nodes are
    # articulation points; betweenness counts the pairs each inner node stands between
    assert set(nodes.index[nodes["articulation"]]) == {
        "k-phone-a",
        "person:2",
        "k-iban-b",
        "k-address-c",
        "operator:1",
    }
    assert nodes.loc["person:2", "betweenness"] == pytest.approx(4.0)
    assert nodes.loc["k-phone-a", "betweenness"] == pytest.approx(3.0)
    assert nodes.loc["person:1", "betweenness"] == pytest.approx(0.0)


def test_ranking_with_its_reasons() -> None:
    result = analyse_evidence(evidence(), None)
    nodes = result.nodes.set_index("key")
    ranked = result.networks.set_index("rank")
    # the path: 2 victims + 1 minor + 1 suspect at the OM + 2 forms + recent = 6
    first = ranked.loc[1]
    assert first["network"] == nodes.loc["person:1", "network"]
    assert first["score"] == 6
    assert dict(map(tuple, first["reasons"])) == {
        "victims": 2,
        "minors": 1,
        "suspects_om": 1,
        "forms": 1,
        "recent": 1,
    }
    # the pair at one address, four years before the newest registration: 2 victims
    assert ranked.loc[2, "network"] == nodes.loc["person:3", "network"]
    assert ranked.loc[2, "reasons"] == [["victims", 2]]
    # the ads: recent, nothing else
    assert ranked.loc[3, "reasons"] == [["recent", 1]]
    assert ranked.loc[3, "ads"] == 2
    # a victim with nothing shared is not a network
    assert len(ranked) == 3


def test_change_between_runs() -> None:
    current = pd.DataFrame(
        {"key": ["a", "b", "c", "d", "e", "f", "g"], "network": [1, 1, 1, 2, 2, 3, 4]}
    )
    previous = pd.DataFrame(
        {"key": ["a", "b", "c", "d", "e", "g", "h"], "network": [1, 1, 2, 3, 3, 5, 5]}
    )
    changes = compare_runs(current, previous)
    assert changes[1] == ("merged", [1, 2])
    assert changes[2] == ("same", [3])
    assert changes[3] == ("new", [])
    assert changes[4] == ("shrank", [5])
    assert compare_runs(current, None)[1] == ("new", [])


def test_a_shared_address_does_not_join_two_groups() -> None:
    # two groups held by phones (0-1-2 and 3-4-5, each: holder - phone - holder) meet at
    # one address node (6) that a holder of each gives; the component (7 nodes) is
    # larger than the largest hard one (3), so Leiden decides, and it cuts at the address
    source = np.array([0, 2, 3, 5, 2, 3])
    target = np.array([1, 1, 4, 4, 6, 6])
    kinds = np.array(["phone"] * 4 + ["address"] * 2, dtype=object)
    structure = analyse(7, weighted_pairs(source, target, kinds))
    network = structure.network
    assert network[0] == network[1] == network[2]
    assert network[3] == network[4] == network[5]
    assert network[0] != network[3]
    assert len(set(structure.component.tolist())) == 3  # {0,1,2}, {3,4,5}, {6}


def test_the_hub_fence_is_tukeys_far_out_fence_on_log_holders() -> None:
    # shared identifiers tie 2, 2, 4, 4 holders (the ones of 1 are not shared):
    # log quartiles log 2 and log 4, IQR log 2: exp(log 4 + 3 log 2) = 32
    assert hub_fence(np.array([1, 1, 2, 2, 4, 4, 1])) == pytest.approx(32.0)
    # all tie two: the IQR is taken as one doubling, exp(log 2 + 3 log 2) = 16
    assert hub_fence(np.array([2, 2, 2, 2])) == pytest.approx(16.0)
    assert hub_fence(np.array([1, 1])) == float("inf")


def _pairs_and_hub(pairs: int, hub_kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # holders 3i and 3i+1 share phone 3i+2; holder 3i also gives the hub (node 3 * pairs)
    hub = 3 * pairs
    source, target, kinds = [], [], []
    for i in range(pairs):
        source += [3 * i, 3 * i + 1, 3 * i]
        target += [3 * i + 2, 3 * i + 2, hub]
        kinds += ["phone", "phone", hub_kind]
    return np.array(source), np.array(target), np.array(kinds, dtype=object)


def test_a_hub_does_not_join_strangers() -> None:
    # twenty pairs, each held by its own phone, all giving one phone (a shelter's line):
    # the fence is 16 (every other identifier ties two), the hub ties 20: weak evidence
    source, target, kinds = _pairs_and_hub(20, "phone")
    pairs = weighted_pairs(source, target, kinds)
    assert pairs.loc[pairs["hub"], "weight"].to_numpy() == pytest.approx(0.5 * 16 / 20)
    structure = analyse(61, pairs)
    # not tied for certain: every pair is a component of its own (and the hub alone)
    assert len(set(structure.component.tolist())) == 21
    network = structure.network
    for i in range(20):
        assert network[3 * i] == network[3 * i + 1] == network[3 * i + 2]
    assert len({network[3 * i] for i in range(20)}) == 20


def test_below_the_fence_a_shared_phone_still_ties() -> None:
    # ten pairs and a phone all ten give: 10 is below the fence of 16, a network of 31
    source, target, kinds = _pairs_and_hub(10, "phone")
    pairs = weighted_pairs(source, target, kinds)
    assert not pairs["hub"].any()
    structure = analyse(31, pairs)
    assert len(set(structure.network.tolist())) == 1
    assert len(set(structure.component.tolist())) == 1


def test_an_operator_is_never_a_hub() -> None:
    # twenty ad pairs sharing a phone each, all forty ads of one operator: the
    # screening's grouping, however large, keeps them together
    source, target, kinds = _pairs_and_hub(20, "operator")
    pairs = weighted_pairs(source, target, kinds)
    assert not pairs["hub"].any()
    structure = analyse(61, pairs)
    assert len(set(structure.network.tolist())) == 1


def _victims_with_phones(phones: list[str]) -> GraphInputs:
    n = len(phones)
    victims = pd.DataFrame(
        {
            "registration_id": range(1, n + 1),
            "person_id": range(1, n + 1),
            "minor": False,
            "forms": "labour",
            "country_of_exploitation": "NL",
            "registration_date": dt.date(2024, 1, 10),
            "source": "police",
            "phone": phones,
        }
    )
    suspects = pd.DataFrame(
        {
            name: pd.Series([], dtype=object)
            for name in [
                "registration_id",
                "family_name",
                "given_names",
                "date_of_birth",
                "birth_year",
                "forms",
                "referred_to_prosecutor",
                "registration_date",
            ]
        }
    )
    ads = pd.DataFrame(
        {
            name: pd.Series([], dtype=object)
            for name in ["ad", "posted_at", "platform", "licence_key", "cluster_id"]
        }
    )
    contacts = pd.DataFrame({name: pd.Series([], dtype=object) for name in ["ad", "key", "kind"]})
    return GraphInputs(victims, suspects, ads, contacts)


@pytest.mark.parametrize("placeholder", ["0000000000", "0600000000", "1234567890"])
def test_a_placeholder_phone_does_not_tie_strangers(placeholder: str) -> None:
    # persons 1 and 2 are unrelated but both registered with a placeholder; persons 3 and
    # 4 share a real number (the control: a shared phone does tie)
    inputs = _victims_with_phones([placeholder, placeholder, "06-34159179", "06 3415 9179"])
    result = analyse_evidence(collect_evidence(inputs, Cipher(generate_key())), None)
    network = result.nodes.set_index("key")["network"]
    assert network["person:1"] != network["person:2"]
    assert network["person:3"] == network["person:4"]


def _background(twos: int, fours: int) -> tuple[list[int], list[int], list[str], int]:
    # `twos` phones held by two holders each, `fours` by four: the fence's sample
    source: list[int] = []
    target: list[int] = []
    kinds: list[str] = []
    n = 0
    for size, count in ((2, twos), (4, fours)):
        for _ in range(count):
            phone = n + size
            source += list(range(n, n + size))
            target += [phone] * size
            kinds += ["phone"] * size
            n += size + 1
    return source, target, kinds, n


def _recruiter(
    victims: int, ads: int, operator: bool, twos: int = 40, fours: int = 0
) -> tuple[pd.DataFrame, list[int], list[int], int, float]:
    """Background pairs, one phone held by `victims` victims and given in `ads` ads of
    one maker (with its operator node or not yet clustered)."""
    source, target, kinds, n = _background(twos, fours)
    from_ad = [False] * len(source)
    phone, op = n, n + 1
    held = list(range(n + 2, n + 2 + victims + ads))
    n = n + 2 + victims + ads
    for i, holder in enumerate(held):
        is_ad = i >= victims
        source.append(holder)
        target.append(phone)
        kinds.append("phone")
        from_ad.append(is_ad)
        if is_ad and operator:
            source.append(holder)
            target.append(op)
            kinds.append("operator")
            from_ad.append(True)
    arrays = np.array(source), np.array(target), np.array(kinds, dtype=object)
    specific = specificity(*arrays, np.array(from_ad))
    return weighted_pairs(*arrays, specific), held, [phone], n, specific[2]


@pytest.mark.parametrize("operator", [False, True])
def test_a_makers_own_ads_do_not_make_his_phone_a_hub(operator: bool) -> None:
    # three victims and thirty ads of one maker give one phone; forty background pairs
    # set the fence at 16: the ads are one holder (with or without the operator node),
    # so the phone ties 4 and everyone stays in one network, tied for certain
    pairs, held, phone, n, fence = _recruiter(3, 30, operator)
    assert fence == 16.0
    assert not pairs["hub"].any()
    structure = analyse(n, pairs)
    assert len({structure.network[h] for h in held + phone}) == 1
    assert len({structure.component[h] for h in held[:3] + phone}) == 1


@pytest.mark.parametrize("victims", [17, 20])
def test_a_large_network_under_the_fence_stays_one(victims: int) -> None:
    # background phones tying 2 and 4 put the fence at 2 * 2 ** 4 = 32; a recruiter's
    # phone held by 17-20 victims and given in his thirty ads ties 18-21 holders: under
    # the fence, one network (counting every ad would make it 47-50, a hub)
    pairs, held, phone, n, fence = _recruiter(victims, 30, True, twos=20, fours=20)
    assert fence == pytest.approx(32.0)
    assert not pairs["hub"].any()
    structure = analyse(n, pairs)
    assert len({structure.network[h] for h in held + phone}) == 1


def test_ads_of_many_makers_still_count() -> None:
    # one phone given by two victims and by ads of twenty different operators ties 22
    # holders, over the fence of 16: a hub
    source, target, kinds, n = _background(40, 0)
    from_ad = [False] * len(source)
    phone = n
    n += 1
    for i in range(22):
        source.append(n + i)
        target.append(phone)
        kinds.append("phone")
        from_ad.append(i >= 2)
        if i >= 2:
            source.append(n + i)
            target.append(n + 22 + i)  # an operator of its own
            kinds.append("operator")
            from_ad.append(True)
    arrays = np.array(source), np.array(target), np.array(kinds, dtype=object)
    factor, hub, fence = specificity(*arrays, np.array(from_ad))
    assert fence == 16.0
    assert hub[np.array(target) == phone].all()
    assert factor[np.array(target) == phone] == pytest.approx(16 / 22)


def test_postcodes_do_not_raise_the_fence_of_the_numbers() -> None:
    # 300 phone pairs and 30 phone triples: the numbers' fence is 16; 150 postcodes of
    # twenty addresses each have their own fence (20 * 2 ** 3 = 160) and are not hubs;
    # a phone twenty strangers give is a hub (one pooled fence would be 20 * 2 ** 9)
    source, target, kinds = [], [], []
    n = 0
    for size, count, kind in ((2, 300, "phone"), (3, 30, "phone"), (20, 150, "postcode")):
        for _ in range(count):
            source += list(range(n, n + size))
            target += [n + size] * size
            kinds += [kind] * size
            n += size + 1
    shared = n
    source += list(range(n + 1, n + 21))
    target += [shared] * 20
    kinds += ["phone"] * 20
    arrays = np.array(source), np.array(target), np.array(kinds, dtype=object)
    _, hub, fence = specificity(*arrays)
    assert fence == 16.0
    is_shared = arrays[1] == shared
    assert hub[is_shared].all()
    assert not hub[~is_shared].any()


def test_an_identifier_at_the_fence_is_not_a_hub() -> None:
    # every other identifier ties two: the fence is exactly 16 (not 15.999...), and a
    # phone of sixteen holders is at it, not over it
    source, target, kinds, n = _background(40, 0)
    source += list(range(n + 1, n + 17))
    target += [n] * 16
    kinds += ["phone"] * 16
    _, hub, fence = specificity(np.array(source), np.array(target), np.array(kinds, dtype=object))
    assert fence == 16.0
    assert not hub.any()
