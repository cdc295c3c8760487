"""Each package of Zicht exports exactly its `__all__` and keeps its modules private.

The edges are the exceptions, each for a reason: `cli` finds its command modules by
name, `web.routers` holds one router per area, and the store's repositories
(`zicht.store.linkage`, `zicht.store.accounts`, ...) are its public seams, each with
its own `__all__`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import zicht

SRC = Path(zicht.__file__).parent
PRIVATE_MODULE_PACKAGES = sorted(
    info.name
    for info in pkgutil.iter_modules(zicht.__path__)
    if info.ispkg and info.name not in {"cli", "web", "store", "locale"}
)


@pytest.mark.parametrize("name", PRIVATE_MODULE_PACKAGES)
def test_all_is_exact(name: str) -> None:
    package = importlib.import_module(f"zicht.{name}")
    subpackages = {info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg}
    # dir(), not vars(): a package that imports its names when first used (PEP 562) lists
    # them in its __dir__.
    public = {n for n in dir(package) if not n.startswith("_")} - subpackages
    assert public == set(package.__all__)
    assert len(package.__all__) == len(set(package.__all__))
    # A lazy package lists `__all__` in its `__dir__` whatever it can import: every name
    # must come from the module its table names, as that module's own object.
    sources = getattr(package, "_SOURCES", None)
    if sources is not None:
        assert set(sources) == set(package.__all__)
        for exported, module in sources.items():
            assert getattr(package, exported) is getattr(importlib.import_module(module), exported)


def _packages(name: str) -> list[str]:
    """`name` and its public subpackages (a subpackage is a package: the same rules)."""
    package = importlib.import_module(name)
    found = [name]
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg and not info.name.startswith("_"):
            found += _packages(f"{name}.{info.name}")
    return found


@pytest.mark.parametrize("name", PRIVATE_MODULE_PACKAGES)
def test_implementation_modules_are_private(name: str) -> None:
    for dotted in _packages(f"zicht.{name}"):
        package = importlib.import_module(dotted)
        infos = list(pkgutil.iter_modules(package.__path__))
        modules = [info.name for info in infos if not info.ispkg]
        assert all(module.startswith("_") for module in modules), dotted
        subpackages = {info.name for info in infos if info.ispkg}
        public = {n for n in dir(package) if not n.startswith("_")} - subpackages
        assert public == set(package.__all__), dotted


def _private_imports_from_outside() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        own = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text())):
            modules: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
                modules += [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                dotted = module.split(".")
                if (
                    len(dotted) >= 3
                    and dotted[0] == "zicht"
                    and dotted[1] != own
                    and any(part.startswith("_") for part in dotted[2:])
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {module}")
    return found


def test_no_package_reaches_into_another_package_s_private_modules() -> None:
    assert _private_imports_from_outside() == []


def test_store_repositories_declare_their_public_functions() -> None:
    store = SRC / "store"
    for path in sorted(store.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"zicht.store.{path.stem}")
        assert hasattr(module, "__all__"), f"zicht.store.{path.stem} has no __all__"
        for name in module.__all__:
            assert hasattr(module, name), f"zicht.store.{path.stem}.{name}"
