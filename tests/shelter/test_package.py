"""`zicht.shelter` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.shelter as shelter


def test_all_is_exact() -> None:
    public = {name for name in vars(shelter) if not name.startswith("_")}
    assert public == set(shelter.__all__)
    assert len(shelter.__all__) == len(set(shelter.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(shelter.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
