"""CPU seconds of a process tree, for the benchmarks that serve Zicht in processes of
its own (`bench_web.py`, `bench_notices.py`): read from /proc, so that a figure can be
read apart from the machine's load."""

from __future__ import annotations

import os
from pathlib import Path


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user and system) used so far by the process `root` and its children
    (the server's processes), from /proc; 0.0 where /proc is missing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        pending += [int(child) for child in children]
    return total


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by a PostgreSQL server running on this machine: its
    processes' own, and for the postmaster also those of the backends it has reaped
    (a closed connection's backend is gone, its CPU counted there); 0.0 when none is
    visible (another machine, or no /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "comm").read_text().startswith("postgres"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent = Path(f"/proc/{fields[1]}/comm").read_text()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        if not parent.startswith("postgres"):  # the postmaster: its reaped children
            total += (int(fields[13]) + int(fields[14])) / tick  # cutime, cstime
    return total
