"""One person in CTDC's variables, checked against a hand-written expectation."""

from __future__ import annotations

import pandas as pd

from zicht.opendata import LinkedPerson, ctdc_frame, linked_persons


def test_one_person_by_hand() -> None:
    person = LinkedPerson(
        year=2022,
        gender="female",
        age=16,
        age_band=None,
        minor=None,
        nationality="RO",
        country_of_exploitation="NL",
        forms=frozenset({"sexual_domestic", "labour"}),
        sectors=frozenset({"agriculture", "sex_industry"}),
        means_of_control=frozenset({"threats"}),
        recruiter_relations=frozenset({"family"}),
    )
    row = ctdc_frame([person]).iloc[0].to_dict()
    expected = {
        "yearOfRegistration": "2022",
        "gender": "Female",
        "ageBroad": "9--17",
        "majorityStatus": "Minor",
        "citizenship": "RO",
        "CountryOfExploitation": "NL",
        "isSexualExploit": "1",
        "isForcedLabour": "1",
        "isSexAndLabour": "1",
        "isOtherExploit": "0",
        "isOrganRemoval": "0",
        "typeOfExploitConcatenated": "Forced labour;Sexual exploitation",
        "typeOfLabourAgriculture": "1",
        "typeOfLabourNotSpecified": "0",
        "typeOfLabourConcatenated": "Agriculture",
        "typeOfSexProstitution": "1",
        "typeOfSexConcatenated": "Prostitution",
        "meansOfControlThreats": "1",
        "meansOfControlDebtBondage": "0",
        "meansOfControlNotSpecified": "0",
        "meansOfControlConcatenated": "Threats",
        "RecruiterRelationship": "Family",
        "recruiterRelationFamily": "1",
        "recruiterRelationUnknown": "0",
        "isAbduction": "-99",
        "isForcedMarriage": "-99",
    }
    assert {key: row[key] for key in expected} == expected


def test_registrations_combine_into_one_person() -> None:
    registrations = pd.DataFrame(
        {
            "person_id": [7, 7, 3],
            "registration_date": ["2021-02-01", "2021-05-01", "2021-01-01"],
            "registration_year": [2021, 2021, 2021],
            "forms": ["labour", "criminal;labour", "other"],
            "sectors": ["", "cleaning", ""],
            "means_of_control": ["", "", ""],
            "gender": ["unknown", "male", "female"],
            "age": [None, 30, 22],
            "age_band": [None, "30--38", "21--23"],
            "minor": [None, False, False],
            "nationality": [None, "PL", "NL"],
            "country_of_exploitation": ["NL", "DE", None],
            "recruiter_relation": [None, None, None],
        }
    )
    persons = linked_persons(registrations)
    assert [p.gender for p in persons] == ["female", "male"]  # person 3, then 7
    seven = persons[1]
    assert seven.forms == {"labour", "criminal"} and seven.sectors == {"cleaning"}
    assert seven.age == 30 and seven.nationality == "PL"
    assert seven.country_of_exploitation == "NL"  # the earliest registration's
