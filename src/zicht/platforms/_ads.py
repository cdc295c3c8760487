"""An ad as a platform delivers it -> a checked, normalised `Ad`, or the rules it breaks.

The fields are those of `ad.schema.json`. In CSV a list (phones, emails, image_hashes)
is one cell, its items separated by ';' (a JSON array in the cell is read too).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from zicht.platforms._contacts import normalise_email, normalise_phone
from zicht.platforms._problems import Problem, RowRefused

__all__ = ["AD_FIELDS", "REQUIRED_AD_FIELDS", "Ad", "ad_from_cells"]

REQUIRED_AD_FIELDS = ("ad_id", "posted_at", "text")
AD_FIELDS = (
    "ad_id",
    "platform",
    "posted_at",
    "url",
    "title",
    "text",
    "city",
    "stated_age",
    "phones",
    "emails",
    "licence_number",
    "image_hashes",
)
_MAX_LENGTH = {
    "ad_id": 200,
    "platform": 60,
    "url": 2000,
    "title": 500,
    "text": 20000,
    "city": 100,
    "licence_number": 40,
}
_LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
_PDQ = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Ad:
    """A checked ad: contacts normalised, `posted_at` in UTC (naive)."""

    ad_id: str
    platform: str
    posted_at: dt.datetime
    text: str
    url: str | None = None
    title: str | None = None
    city: str | None = None
    stated_age: int | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    unreadable_contacts: int = 0
    licence_number: str | None = None
    image_hashes: tuple[str, ...] = ()


def _posted_at(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_LOCAL_TIME)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            return [item.strip() for item in text.split(";") if item.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("list")
    return [item.strip() for item in value if item.strip()]


def _age(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("integer")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError("integer")
    if not 0 <= value <= 120:
        raise ValueError("range")
    return value


def ad_from_cells(cells: dict[str, Any], platform: str) -> Ad:
    """Check and normalise one delivered ad of `platform`.

    Raises:
        RowRefused: with every rule the row breaks (field and rule; no values).
    """
    values = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in cells.items()
        if name in AD_FIELDS and value is not None and value != "" and value != []
    }
    problems: list[Problem] = []
    for name in REQUIRED_AD_FIELDS:
        if name not in values:
            problems.append(Problem(name, "required"))
    for name, limit in _MAX_LENGTH.items():
        value = values.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = values[name] = str(value)  # an id or a city code given as a number
        if name in values and not isinstance(value, str):
            problems.append(Problem(name, "type"))
            del values[name]
        elif isinstance(value, str) and len(value) > limit:
            problems.append(Problem(name, "too_long"))
    if values.get("platform") not in (None, platform):
        problems.append(Problem("platform", "platform"))
    posted_at = None
    if "posted_at" in values:
        try:
            posted_at = _posted_at(values["posted_at"])
        except (ValueError, TypeError):
            problems.append(Problem("posted_at", "datetime"))
    age = None
    if "stated_age" in values:
        try:
            age = _age(values["stated_age"])
        except ValueError as exc:
            problems.append(Problem("stated_age", str(exc)))
    lists: dict[str, list[str]] = {}
    for name in ("phones", "emails", "image_hashes"):
        try:
            lists[name] = _items(values.get(name, []))
        except ValueError:
            problems.append(Problem(name, "list"))
    hashes = [item.lower() for item in lists.get("image_hashes", [])]
    if any(not _PDQ.fullmatch(item) for item in hashes):
        problems.append(Problem("image_hashes", "image_hash"))
    if problems or posted_at is None:
        raise RowRefused(problems)
    phones = [normalise_phone(item) for item in lists["phones"]]
    emails = [normalise_email(item) for item in lists["emails"]]
    unreadable = sum(item is None for item in phones + emails)
    return Ad(
        ad_id=values["ad_id"],
        platform=platform,
        posted_at=posted_at,
        text=values["text"],
        url=values.get("url"),
        title=values.get("title"),
        city=values.get("city"),
        stated_age=age,
        phones=tuple(dict.fromkeys(p for p in phones if p)),
        emails=tuple(dict.fromkeys(e for e in emails if e)),
        unreadable_contacts=unreadable,
        licence_number=values.get("licence_number"),
        image_hashes=tuple(dict.fromkeys(hashes)),
    )
