"""`zicht.programme` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.programme as programme


def test_all_is_exact() -> None:
    public = {name for name in vars(programme) if not name.startswith("_")}
    assert public == set(programme.__all__)
    assert len(programme.__all__) == len(set(programme.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(programme.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
