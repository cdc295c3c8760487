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
