"""What the clear fields of an encoded row give the frequency attack (issue 17).

The population of `tests/pprl/test_attack.py`: 10,000 names from the synthetic world's
name lists with Zipf frequencies, birth years 1960-2005, each registered on a day in
2019-2024 (the analytic record as the standard makes it). The names are encoded with
the default hardening, salted with the birth year (formats 1-3; or, to compare, another
part of the date of birth: `--salts date month day month_day`, format 4 salts with the
whole `date`), and attacked within the cohorts each row shows
(`zicht.pprl._attack.clear_cohorts`): possible birth years from the registration year
and what the record says of the age, and with `--tag` formats 2-3's 1-bit salt tag. "pooled":
identical encodings intersect their rows' possible years.

What a row shows: "age" (format 2), "age_band" (format 3, `clear_record`), "minor"
(the minor flag alone), "nothing" (the salt tag alone).

With `--year-only` and `--missing` shares of rows have the year alone or no date of
birth: their names are left out (`--partial dropped`, what `Encoder.encode` does) or,
to compare, salted with the year / the empty salt (`--partial salted`, format 4 as
first merged); shares are of the rows whose names are in the file.

Usage: python benchmarks/bench_pprl_clear.py [--seed 5] [--salts year date month]
       [--flip 0.05] [--tag] [--year-only 0.05] [--missing 0.06] [--partial salted]
Prints JSON: share of records re-identified per field, salt, shown and pooling.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

import numpy as np

from zicht.linkage._frame import name_key
from zicht.pprl import Encoder, Hardening, new_secret
from zicht.pprl._attack import clear_cohorts, frequency_attack, registered_population
from zicht.pprl._fields import FIELDS, YEAR_ONLY, YEAR_UNKNOWN
from zicht.pprl._file import clear_record
from zicht.synth._names import name_table

RECORDS = 10_000


def _population(field: str, seed: int) -> tuple[list[str], list[int], dict[str, float]]:
    """The same draw as `tests/pprl/test_attack.py::_population`."""
    table = name_table()
    pool = table.given[:, 0] if field == "given_name" else table.family[:, 0]
    names = sorted({key for n in pool if (key := name_key(str(n)))})
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    weights = 1 / np.arange(1, len(names) + 1)
    weights /= weights.sum()
    picked = rng.choice(len(names), size=RECORDS, p=weights)
    years = rng.integers(1960, 2006, size=RECORDS).tolist()
    return [names[i] for i in picked], years, dict(zip(names, weights.tolist(), strict=True))


def _shown(record: dict[str, Any], what: str) -> dict[str, Any]:
    if what == "age":
        return record
    if what == "age_band":
        return clear_record(record)
    if what == "minor":
        return {"registration_date": record["registration_date"], "minor": record["minor"]}
    return {}


def _salt(birth: dt.date, salt: str) -> int:
    return {
        "year": birth.year,
        "month": birth.month,
        "day": birth.day,
        "month_day": birth.month * 100 + birth.day,
        "date": birth.year * 10_000 + birth.month * 100 + birth.day,
    }[salt]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--salts", nargs="+", default=["year"])
    parser.add_argument("--flip", type=float, default=0.0, help="bit flipping probability")
    parser.add_argument(
        "--tag",
        action="store_true",
        help="the rows carry formats 2-3's 1-bit salt tag (a keyed hash of the salt value)",
    )
    parser.add_argument(
        "--year-only",
        type=float,
        default=0.0,
        help="share of rows whose date of birth is the year alone: salted with the year "
        "and marked so (format 4's `YEAR_ONLY`, which the attacker reads as a cohort)",
    )
    parser.add_argument(
        "--missing",
        type=float,
        default=0.0,
        help="share of rows without a date of birth (marked `YEAR_UNKNOWN`)",
    )
    parser.add_argument(
        "--partial",
        choices=["dropped", "salted"],
        default="dropped",
        help="names of rows without a whole date: left out (the default since issue 17's "
        "follow-up) or salted with the year / the empty salt (format 4 as first merged)",
    )
    args = parser.parse_args()
    started = time.process_time()
    dice = 0.8 if args.flip else None
    out: dict[str, Any] = {
        "records": RECORDS,
        "seed": args.seed,
        "flip": args.flip,
        "tag": args.tag,
        "year_only": args.year_only,
        "missing": args.missing,
        "partial": args.partial,
    }
    for field in ("given_name", "family_name"):
        truths, years, public = _population(field, args.seed)
        born, records = registered_population(years, args.seed)
        spec = next(s for s in FIELDS if s.name == field)
        for salt in args.salts:
            encoder = Encoder(
                new_secret(),
                Hardening(flip_probability=args.flip),
                rng=np.random.default_rng(args.seed),
            )
            rng = np.random.default_rng(args.seed + 2)
            draw = rng.random(len(born))
            missing = draw < args.missing
            partial = (~missing & (draw < args.missing + args.year_only)).tolist()
            kind = [
                YEAR_UNKNOWN if gone else YEAR_ONLY if alone else 0
                for gone, alone in zip(missing.tolist(), partial, strict=True)
            ]
            salts = [
                None if k == YEAR_UNKNOWN else b.year if k == YEAR_ONLY else _salt(b, salt)
                for b, k in zip(born, kind, strict=True)
            ]
            # Rows whose names are in the file (with --partial dropped, full dates only).
            rows = [i for i, k in enumerate(kind) if k == 0 or args.partial == "salted"]
            packed, _ = encoder.encode_field(
                spec, [truths[i] for i in rows], [salts[i] for i in rows]
            )
            key = encoder.secret.field_key("birth_marks")
            tags = [
                (hmac.digest(key, str(salts[i]).encode(), hashlib.sha256)[0] & 1 if args.tag else 0)
                | kind[i]
                for i in rows
            ]
            encodings = [row.tobytes() for row in packed]
            named = [truths[i] for i in rows]
            out[f"{field}/{salt}/rows_with_names"] = len(rows)
            for what in ("age", "age_band", "minor", "nothing"):
                shown = [_shown(records[i], what) for i in rows]
                for pool in (False, True):
                    cohorts = clear_cohorts(shown, tags, encodings if pool else None)
                    share = frequency_attack(
                        encodings, named, public, top=300, cohorts=cohorts, dice=dice
                    ).record_share
                    key = f"{field}/{salt}/{what}/{'pooled' if pool else 'per_row'}"
                    out[key] = round(share, 4)
                    for mark, label in (
                        (YEAR_ONLY, "year_only_rows"),
                        (YEAR_UNKNOWN, "no_date_rows"),
                    ):
                        part = [n for n, i in enumerate(rows) if kind[i] == mark]
                        if not part or pool:
                            continue
                        # The rows without a whole date on their own.
                        hit = frequency_attack(
                            [encodings[n] for n in part],
                            [named[n] for n in part],
                            public,
                            top=300,
                            cohorts=[cohorts[n] for n in part],
                            dice=dice,
                        ).record_share
                        out[f"{key}/{label}"] = round(hit, 4)
    out["cpu_seconds"] = round(time.process_time() - started, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
