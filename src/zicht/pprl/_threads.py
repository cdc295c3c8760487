"""The threads of this process as the kernel lists them, and those it had at import.

`threading` sees Python's own threads only. Importing Zicht's dependencies starts some
native ones (OpenBLAS's pool, the background thread of DuckDB's jemalloc), which are
made to survive a fork (they register fork handlers and sit idle); threads started
later -- DuckDB running a query for linkage, a database driver's pool -- may hold a
lock at the fork that then stays held in the child for ever. So a fork is safe when no
thread was started since this module was imported (with `zicht.pprl`).
"""

from __future__ import annotations

import os

# Imported first, so that the threads its imports start (numpy's) are counted; DuckDB is
# imported later (linkage), so its threads count as new: workers are then spawned.
import zicht.pprl._bloom  # noqa: F401

__all__ = ["new_threads"]


def _tasks() -> frozenset[str] | None:
    """Ids of this process's threads, None where the kernel does not list them."""
    try:
        return frozenset(os.listdir("/proc/self/task"))
    except OSError:
        return None


_AT_IMPORT = _tasks()


def new_threads() -> bool:
    """Whether this process runs a thread that it did not run when Zicht was imported
    (True when that cannot be known)."""
    now = _tasks()
    return _AT_IMPORT is None or now is None or not now <= _AT_IMPORT
