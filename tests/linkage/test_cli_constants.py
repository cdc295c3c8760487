"""The CLI spells out linkage's choices to stay cheap to import; keep them in step."""

from zicht.cli import link as link_cli
from zicht.linkage import BACKENDS, METHODS


def test_cli_lists_every_backend_and_method() -> None:
    assert link_cli.BACKENDS == BACKENDS
    assert link_cli.METHODS == METHODS
