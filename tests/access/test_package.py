"""`zicht.access` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.access as access


def test_all_is_exact() -> None:
    public = {name for name in vars(access) if not name.startswith("_")}
    assert public == set(access.__all__)
    assert len(access.__all__) == len(set(access.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(access.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
