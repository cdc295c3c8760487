"""`zicht.opendata` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.opendata as opendata


def test_all_is_exact() -> None:
    public = {name for name in vars(opendata) if not name.startswith("_")}
    assert public == set(opendata.__all__)
    assert len(opendata.__all__) == len(set(opendata.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(opendata.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
