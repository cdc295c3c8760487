"""The CLI spells out the estimation methods to stay cheap to import; keep them in step."""

from zicht.cli.estimate import METHODS as CLI_METHODS
from zicht.estimate import METHODS


def test_cli_lists_every_method() -> None:
    assert CLI_METHODS == METHODS


def test_forms_as_stored_split_into_strata() -> None:
    import pandas as pd

    from zicht.estimate import capture_histories_from_registrations

    frame = pd.DataFrame(
        {
            "person_id": [1, 1, 2, 3],
            "organisation": ["police", "fairwork", "police", "fairwork"],
            "year": [2020] * 4,
            "forms": ["sexual_domestic;labour", "labour", "labour", "sexual_domestic"],
            "minor": [False] * 4,
            "gender": ["male"] * 4,
            "dutch": [False] * 4,
        }
    )
    tables = capture_histories_from_registrations(frame, by=["form"])
    assert {key: table.n_observed for key, table in tables.items()} == {
        ("labour",): 2,
        ("sexual_domestic",): 2,
    }
