"""`zicht.pprl` exports exactly its `__all__`, and its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.pprl as pprl


def test_all_is_exact() -> None:
    public = {name for name in vars(pprl) if not name.startswith("_")}
    assert public == set(pprl.__all__)
    assert len(pprl.__all__) == len(set(pprl.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(pprl.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
