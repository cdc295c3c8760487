"""Fast parsing of dates in a source's strptime format.

`datetime.strptime` costs tens of microseconds a call, the largest single cost of an
ingest. Formats made only of %d, %m, %Y, %y and literal characters compile to a regular
expression here; any other format falls back to strptime with the same result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

__all__ = ["date_parser"]

# The standard library's _strptime patterns, but ASCII digits only: strptime reads
# Arabic-Indic or other digits as numbers, which no source means to send. A four-digit
# year starts with 1-9: "0001" (from "000111" as %Y%m%d) is a typing error, not year 1.
_DIRECTIVES = {
    "%d": r"(?P<d>3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])",
    "%m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "%Y": r"(?P<Y>[1-9][0-9]{3})",
    "%y": r"(?P<y>[0-9]{2})",
}


# A directive ("%" and the next character, or a lone "%" at the end) or a literal character.
_TOKEN = re.compile(r"%.?|[^%]", re.DOTALL)


@cache
def date_parser(date_format: str) -> Callable[[str], dt.date]:
    """A function parsing `date_format` text to a date; ValueError when it does not fit."""
    pattern = _compile(date_format)
    if pattern is None:
        return lambda text: _strptime_ascii(text, date_format)
    compiled = re.compile(pattern)

    def parse(text: str) -> dt.date:
        match = compiled.fullmatch(text)
        if match is None:
            raise ValueError("date does not match format")
        parts = match.groupdict()
        year = int(parts["Y"]) if "Y" in parts else _two_digit_year(int(parts["y"]))
        return dt.date(year, int(parts["m"]), int(parts["d"]))

    return parse


def _strptime_ascii(text: str, date_format: str) -> dt.date:
    if any(char.isdigit() and not char.isascii() for char in text):
        raise ValueError("date holds digits that are not ASCII")
    date = dt.datetime.strptime(text, date_format).date()
    if "%Y" in date_format and date.year < 1000:
        raise ValueError("a four-digit year starts with 1-9")
    return date


def _two_digit_year(year: int) -> int:
    # strptime's rule (POSIX): 69-99 are 1969-1999, 00-68 are 2000-2068.
    return year + (1900 if year >= 69 else 2000)


def _compile(date_format: str) -> str | None:
    pieces: list[str] = []
    seen: set[str] = set()
    for token in _TOKEN.findall(date_format):
        if token.startswith("%"):
            if token not in _DIRECTIVES or token in seen:
                return None
            seen.add(token)
            pieces.append(_DIRECTIVES[token])
        else:
            pieces.append(re.escape(token))
    has_year = bool(seen & {"%Y", "%y"}) and not {"%Y", "%y"} <= seen
    return "".join(pieces) if has_year and {"%d", "%m"} <= seen else None
