"""The programme as data: themes, actions, indicators and the Kader's building blocks.

One document per programme year (`programme-2021.yaml` is the 2021 letter's). The
document is read and checked here; a bad file gives one error naming the file, the
place in it and the rule, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zicht.standard import safety_regions

__all__ = [
    "ANSWERS",
    "COMPUTED_INDICATORS",
    "STATUSES",
    "Action",
    "Block",
    "Indicator",
    "Milestone",
    "Programme",
    "ProgrammeError",
    "Theme",
    "dump_programme",
    "load_programme",
    "parse_programme",
    "seed_programme",
]

STATUSES = ("planned", "running", "done", "delayed")
ANSWERS = ("yes", "partly", "no")
# The indicators Zicht computes from its own data (zicht.programme._indicators).
COMPUTED_INDICATORS = (
    "om_suspects",
    "registered_victims",
    "unique_persons",
    "estimate",
    "labour_reports",
    "municipalities_with_policy",
    "shelter_waiting_days",
    "anonymous_reports",
)
_CODE = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class ProgrammeError(ValueError):
    """A programme document that cannot be used (the message names place and rule)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Milestone(_Strict):
    """A dated step of an action."""

    date: dt.date
    text: str = Field(min_length=1, max_length=500)


class Action(_Strict):
    """An action of a theme: owners, status, milestones and a result text per year."""

    code: str = Field(pattern=_CODE)
    title: str = Field(min_length=1, max_length=300)
    owners: list[str] = Field(min_length=1)
    status: Literal["planned", "running", "done", "delayed"]
    milestones: list[Milestone] = Field(default_factory=list)
    results: dict[int, str] = Field(default_factory=dict)
    regions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_regions(self) -> Action:
        unknown = [code for code in self.regions if code not in safety_regions()]
        if unknown:
            raise ValueError(f"unknown safety region {unknown[0]} (codes VR01-VR25)")
        return self


class Theme(_Strict):
    """A theme of the programme with its actions."""

    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200)
    actions: list[Action]


class Indicator(_Strict):
    """A figure followed by the programme, with its target per year."""

    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["computed", "manual"]
    theme: str
    targets: dict[int, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _computable(self) -> Indicator:
        if self.kind == "computed" and self.code not in COMPUTED_INDICATORS:
            raise ValueError(
                f"Zicht cannot compute {self.code!r}; computed indicators: "
                + ", ".join(COMPUTED_INDICATORS)
            )
        return self


class Block(_Strict):
    """A building block of the Kader mensenhandel as a question, with its source."""

    code: str = Field(pattern=_CODE)
    question: str = Field(min_length=1, max_length=300)
    source: str = Field(min_length=1, max_length=300)
    policy: bool = False


class Assessment(_Strict):
    """The municipal self-assessment: the Kader's building blocks."""

    source: str
    blocks: list[Block] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_policy_block(self) -> Assessment:
        if sum(block.policy for block in self.blocks) != 1:
            raise ValueError("exactly one block must be marked policy: true")
        if len({b.code for b in self.blocks}) != len(self.blocks):
            raise ValueError("block codes must be unique")
        return self

    @property
    def policy_block(self) -> Block:
        """The block that says whether a municipality has anti-trafficking policy."""
        return next(block for block in self.blocks if block.policy)


class Programme(_Strict):
    """The programme of one year."""

    year: int = Field(ge=2018, le=2100)
    source: str
    themes: list[Theme] = Field(min_length=1)
    indicators: list[Indicator] = Field(default_factory=list)
    assessment: Assessment

    @model_validator(mode="after")
    def _unique_and_linked(self) -> Programme:
        themes = [t.code for t in self.themes]
        actions = [a.code for t in self.themes for a in t.actions]
        indicators = [i.code for i in self.indicators]
        for kind, codes in (("theme", themes), ("action", actions), ("indicator", indicators)):
            seen: set[str] = set()
            for code in codes:
                if code in seen:
                    raise ValueError(f"{kind} code {code!r} appears twice")
                seen.add(code)
        for indicator in self.indicators:
            if indicator.theme not in themes:
                raise ValueError(f"indicator {indicator.code!r}: unknown theme {indicator.theme!r}")
        return self

    def action(self, code: str) -> Action | None:
        """The action with `code`, if any."""
        return next((a for t in self.themes for a in t.actions if a.code == code), None)


def _where(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(document)"


def parse_programme(raw: object, name: str) -> Programme:
    """Check a programme document already read (from YAML or JSON); `name` is its file."""
    if not isinstance(raw, dict):
        raise ProgrammeError(f"{name}: a programme document is a mapping (year, themes, ...)")
    try:
        return Programme.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = len(exc.errors()) - 1
        tail = f" (and {more} more)" if more else ""
        raise ProgrammeError(f"{name}: {_where(first['loc'])}: {first['msg']}{tail}") from None


def load_programme(path: Path) -> Programme:
    """Read and check a programme file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeError(f"{path}: cannot be read ({type(exc).__name__})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ProgrammeError(f"{path}: not valid YAML or JSON{where}") from None
    return parse_programme(raw, str(path))


@cache
def seed_programme() -> Programme:
    """The programme of the 2021 letter, as shipped with Zicht."""
    text = resources.files("zicht.programme").joinpath("programme-2021.yaml").read_text("utf-8")
    return parse_programme(yaml.safe_load(text), "programme-2021.yaml")


def dump_programme(programme: Programme) -> str:
    """The programme as YAML (what `zicht programme export` writes; imports back equal)."""
    data = programme.model_dump(mode="json")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
