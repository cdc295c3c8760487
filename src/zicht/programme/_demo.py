"""A synthetic programme for `zicht demo`: the 2021 letter's programme, a synthetic 2022
version, and a synthetic round of self-assessments per year, entered through the same
service as the form (each municipality as itself, every save audited).

Nothing here is real: the 2022 document says so in its source, and the answers are drawn
from a seeded random model (each municipality a maturity that grows from year to year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from zicht.access import Actor, Principal
from zicht.programme._assessment import AnswerInput, publish_assessment, save_assessment
from zicht.programme._model import Programme, parse_programme, seed_programme
from zicht.programme._service import import_programme
from zicht.standard import municipalities

__all__ = ["DemoProgramme", "fill_demo_programme", "synthetic_next_year"]

_NEXT_STATUS = {"planned": "running", "running": "running", "done": "done", "delayed": "running"}


@dataclass(frozen=True)
class DemoProgramme:
    """What the demo stored: programme years and answers per year."""

    years: tuple[int, ...]
    answers: dict[int, int]


def synthetic_next_year(programme: Programme, rng: np.random.Generator) -> Programme:
    """A synthetic next year of `programme`: statuses move on, a result text per action."""
    document = programme.model_dump(mode="json")
    year = programme.year + 1
    document["year"] = year
    document["source"] = f"Synthetische voortgang {year} (demo, geen echte gegevens)"
    for theme in document["themes"]:
        for action in theme["actions"]:
            status = _NEXT_STATUS[action["status"]]
            if status == "running" and rng.random() < 0.3:
                status = "done"
            action["status"] = status
            action["results"][str(year)] = f"Synthetisch resultaat {year} (demo)."
    return parse_programme(document, f"synthetic programme {year}")


def _round(
    engine: Engine, programme: Programme, maturity: np.ndarray, rng: np.random.Generator
) -> int:
    blocks = [block.code for block in programme.assessment.blocks]
    written = 0
    for index, code in enumerate(municipalities()):
        level = float(maturity[index])
        if rng.random() > 0.35 + 0.6 * level:  # the less mature answer less often
            continue
        answered = rng.random(len(blocks)) < 0.5 + 0.5 * level
        draws = rng.random(len(blocks))
        given = {
            block: AnswerInput("yes" if d < level else ("partly" if d < level + 0.2 else "no"))
            for block, ask, d in zip(blocks, answered, draws, strict=True)
            if ask
        }
        me = Principal.for_user(0, f"demo-{code.lower()}", "municipality", code)
        written += save_assessment(engine, me, programme, code, given, client="zicht demo")
    return written


def fill_demo_programme(engine: Engine, seed: int) -> DemoProgramme:
    """Store the 2021 programme and a synthetic 2022, each with a published round."""
    rng = np.random.default_rng(seed)
    actor = Actor("demo", "system", None, "zicht demo")
    first = seed_programme()
    second = synthetic_next_year(first, rng)
    maturity = rng.beta(2.0, 3.0, size=len(municipalities()))
    answers = {}
    for programme in (first, second):
        import_programme(engine, actor, programme)
        answers[programme.year] = _round(engine, programme, maturity, rng)
        publish_assessment(engine, actor, programme.year)
        maturity = np.minimum(1.0, maturity + rng.uniform(0.05, 0.25, size=maturity.shape))
    return DemoProgramme((first.year, second.year), answers)
