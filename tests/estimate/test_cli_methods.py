"""The CLI spells out the estimation methods to stay cheap to import; keep them in step."""

from zicht.cli.estimate import METHODS as CLI_METHODS
from zicht.estimate import METHODS


def test_cli_lists_every_method() -> None:
    assert CLI_METHODS == METHODS
