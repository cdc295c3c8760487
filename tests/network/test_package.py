"""`zicht.network` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.network as network


def test_all_is_exact() -> None:
    public = {name for name in vars(network) if not name.startswith("_")}
    assert public == set(network.__all__)
    assert len(network.__all__) == len(set(network.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(network.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
