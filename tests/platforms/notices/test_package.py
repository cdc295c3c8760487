"""`zicht.platforms.notices` exports exactly its `__all__`; its modules are private."""

from __future__ import annotations

import pkgutil

import zicht.platforms.notices as notices


def test_all_is_exact() -> None:
    public = {name for name in vars(notices) if not name.startswith("_")}
    assert public == set(notices.__all__)
    assert len(notices.__all__) == len(set(notices.__all__))


def test_implementation_modules_are_private() -> None:
    modules = [info.name for info in pkgutil.iter_modules(notices.__path__)]
    assert modules and all(name.startswith("_") for name in modules)
