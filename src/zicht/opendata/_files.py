"""Writing an export's files all or nothing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_files"]


def write_files(out: Path, contents: Mapping[str, str]) -> list[Path]:
    """Write every file into `out`, or none: all are written beside their place first.

    Each file goes to a temporary name in `out` and is renamed into place only once all
    have been written; on a failure the temporary files are removed.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []
    try:
        for name, text in contents.items():
            handle, temporary_name = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
            written.append((Path(temporary_name), out / name))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in written:
        os.replace(temporary, final)
    return [final for _, final in written]
