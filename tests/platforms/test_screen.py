"""`ads screen` on SQLite and PostgreSQL: stored, screened, clustered, nothing leaked."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zicht.cli import app
from zicht.ingest import IngestFileError
from zicht.platforms import _grouping, _screen, import_licences
from zicht.platforms._screen import screen_file
from zicht.platforms._templates import TEMPLATE_SHARE
from zicht.privacy import Cipher
from zicht.store import IngestBatch, QuarantineRow
from zicht.store.platforms import AdBandRow, AdContactRow, AdLinkRow, AdRow, ad_context
from zicht.synth._ads import simulate_ads, write_ad_world

DAY1 = [
    {"ad_id": "a1", "posted_at": "2026-03-01T10:00:00", "text": "Anna, Utrecht",
     "city": "Utrecht", "phones": ["06-12345678"]},
    {"ad_id": "a2", "posted_at": "2026-03-01T11:00:00", "text": "Bo, Breda",
     "city": "Breda", "phones": ["+31 6 1234 5678"], "stated_age": 17},
    {"ad_id": "a3", "posted_at": "2026-03-01T12:00:00", "text": "Cleo", "emails": ["c@x.nl"]},
    {"ad_id": "a4", "posted_at": "2026-03-01T13:00:00", "text": "Dewi"},
    {"ad_id": "a5", "posted_at": "geen datum", "text": "Eva"},
]  # fmt: skip
# a1 and a2 share one phone (two spellings): one cluster; a3 and a4 are singletons.
DAY2 = [
    {"ad_id": "b1", "posted_at": "2026-03-02T10:00:00", "text": "Fien",
     "phones": ["0612345678"], "emails": ["C@X.nl"]},
    {"ad_id": "b2", "posted_at": "2026-03-02T11:00:00", "text": "Gina"},
]  # fmt: skip
# b1 shares the phone of a1/a2 and the address of a3: one cluster of four.


def _jsonl(path: Path, ads: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(ad) + "\n" for ad in ads), encoding="utf-8")
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_screen_stores_flags_and_clusters_incrementally(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    day1 = screen_file(
        _jsonl(tmp_path / "day1.jsonl", DAY1),
        platform="p",
        engine=engine,
        cipher=cipher,
        out=tmp_path / "o1",
    )
    assert (day1.rows_read, day1.stored, day1.quarantined) == (5, 4, 1)
    assert day1.refusals == [
        "day1.jsonl row 5: posted_at: datetime: not a valid ISO 8601 date and time"
    ]
    clusters = {r["ad_id"]: r["cluster_id"] for r in _csv(tmp_path / "o1" / "clusters.csv")}
    assert sorted(clusters) == ["a1", "a2", "a3", "a4"]
    assert clusters["a1"] == clusters["a2"] and len(set(clusters.values())) == 3
    screening = {r["ad_id"]: r for r in _csv(tmp_path / "o1" / "screening.csv")}
    assert screening["a2"]["flags"] == "licence_missing;stated_minor"
    assert screening["a2"]["score"] == "7"
    outputs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "o1").iterdir())
    assert "1234" not in outputs and "c@x.nl" not in outputs

    day2 = screen_file(
        _jsonl(tmp_path / "day2.jsonl", DAY2),
        platform="p",
        engine=engine,
        cipher=cipher,
        out=tmp_path / "o2",
    )
    assert (day2.stored, day2.clusters) == (2, 2)
    with Session(engine) as session:
        by_ad = {row.ad_id: row.cluster_id for row in session.execute(select(AdRow)).scalars()}
        assert (
            by_ad["a1"]
            == by_ad["a2"]
            == by_ad["a3"]
            == by_ad["b1"]
            == min(
                session.scalars(select(AdRow.id).where(AdRow.ad_id.in_(["a1", "a2", "a3", "b1"])))
            )
        )
        assert len({by_ad["a1"], by_ad["a4"], by_ad["b2"]}) == 3
        row = session.scalars(select(AdRow).where(AdRow.ad_id == "b1")).one()
        content = cipher.decrypt_json(row.content, ad_context("p", "b1"))
        assert content["phones"] == ["+31612345678"] and content["emails"] == ["c@x.nl"]
        keys = list(session.scalars(select(AdContactRow.key).where(AdContactRow.ad == row.id)))
        assert len(keys) == 2 and all(len(k) == 64 and "1234" not in k for k in keys)
        quarantined = session.scalars(select(QuarantineRow)).one()
        assert (quarantined.source, quarantined.record_type, quarantined.row_number) == (
            "p",
            "ad",
            5,
        )
        assert [e["rule"] for e in quarantined.errors] == ["datetime"]


def test_a_file_that_is_not_ads_stores_nothing(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    path = tmp_path / "victims.csv"
    path.write_text("source_record_id,registration_date\n1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(IngestFileError, match="not an ad feed: no ad_id, posted_at, text"):
        screen_file(path, platform="p", engine=engine, cipher=cipher, out=tmp_path / "o")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IngestBatch)) == 0
        assert session.scalar(select(func.count()).select_from(AdRow)) == 0
    assert not (tmp_path / "o").exists()


runner = CliRunner()


def test_cli_screen(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "zicht.key"
    assert runner.invoke(app, ["keys", "new", "--out", str(key)]).exit_code == 0
    monkeypatch.setenv("ZICHT_DATABASE_URL", database_url)
    monkeypatch.setenv("ZICHT_SECRET_KEY_FILE", str(key))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    out = tmp_path / "out"
    bare = [{"ad_id": f"n{i}", "posted_at": "2026-03-01", "text": "hallo"} for i in range(3)]
    path = _csv_file(tmp_path / "bare.csv", bare)
    result = runner.invoke(app, ["ads", "screen", str(path), "--platform", "p", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _csv(out / "clusters.csv")
    assert [r["ad_id"] for r in rows] == ["n0", "n1", "n2"]
    assert len({r["cluster_id"] for r in rows}) == 3
    not_ads = tmp_path / "x.jsonl"
    not_ads.write_text('{"name": "x"}\n', encoding="utf-8")
    result = runner.invoke(
        app, ["ads", "screen", str(not_ads), "--platform", "p", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "not an ad feed" in result.output
    bad = _jsonl(tmp_path / "bad.jsonl", [{"ad_id": "z", "posted_at": "nooit", "text": "x"}])
    result = runner.invoke(app, ["ads", "screen", str(bad), "--platform", "p", "--out", str(out)])
    assert result.exit_code == 1
    assert "bad.jsonl row 1: posted_at: datetime" in result.output


def _csv_file(path: Path, ads: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ads[0]))
        writer.writeheader()
        writer.writerows(ads)
    return path


def test_a_new_days_template_ad_joins_yesterdays_operator(
    engine: Engine, cipher: Cipher, tmp_path: Path
) -> None:
    hand = Path(__file__).parent / "data" / "hand_ads.jsonl"
    ads = [json.loads(line) for line in hand.read_text(encoding="utf-8").splitlines()]
    first = [ad for ad in ads if ad["ad_id"] not in ("A3", "B4")]
    # A3 without its photo joins by its text only; B4 (no template) by its photo only.
    day2 = {"posted_at": "2026-03-02T12:00:00"}
    later = [{**ad, **day2, "image_hashes": []} for ad in ads if ad["ad_id"] == "A3"]
    later += [{**ad, **day2} for ad in ads if ad["ad_id"] == "B4"]
    screen_file(
        _jsonl(tmp_path / "d1.jsonl", first), platform="p", engine=engine, cipher=cipher,
        out=tmp_path / "o1",
    )  # fmt: skip
    screen_file(
        _jsonl(tmp_path / "d2.jsonl", later), platform="p", engine=engine, cipher=cipher,
        out=tmp_path / "o2",
    )  # fmt: skip
    with Session(engine) as session:
        by_ad = {row.ad_id: row.cluster_id for row in session.execute(select(AdRow)).scalars()}
    truth = {ad["ad_id"]: ad["operator"] for ad in ads}
    for a in truth:
        for b in truth:
            assert (by_ad[a] == by_ad[b]) == (truth[a] == truth[b]), (a, b)
    evidence = _csv(tmp_path / "o2" / "cluster_evidence.csv")
    assert {row["kind"] for row in evidence} == {"template", "image"}
    assert all(row["ad"].startswith("p/") and row["evidence"] for row in evidence)


def _wipe_ads(engine: Engine) -> None:
    """Remove the stored ads and their batches (the licences stay), in the test's schema."""
    with Session(engine) as session, session.begin():
        for table in (AdLinkRow, AdBandRow, AdContactRow, AdRow):
            session.execute(delete(table))
        session.execute(delete(QuarantineRow).where(QuarantineRow.record_type == "ad"))
        session.execute(delete(IngestBatch).where(IngestBatch.record_type == "ad"))


def _partition(rows: list[dict[str, str]]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for row in rows:
        members.setdefault(row["cluster_id"], set()).add(row["ad_id"])
    return {frozenset(m) for m in members.values()}


@pytest.mark.parametrize(
    ("chunk_size", "workers", "words_cache"),
    [(1, 1, None), (7, 1, None), (7, 2, None), (7, 1, 0), (3, 1, 5)],
)
def test_screening_in_chunks_gives_what_one_chunk_gives(
    engine: Engine,
    cipher: Cipher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk_size: int,
    workers: int,
    words_cache: int | None,
) -> None:
    """Two deliveries (three days, then a fourth) of a synthetic world with hand-written
    ads: the same flags, reasons, scores, operators and links with chunks of 1 or 7 ads as in
    one chunk, and with the chunks prepared in two worker processes. The grouping state
    between chunks is the store; an order that depends on the chunk (e.g. all contacts of
    a chunk linked before its templates) or on which process prepared it fails here. With
    no or few representatives' words held between chunks, their words come from their
    stored, encrypted content: the cache changes no result."""
    world = simulate_ads(3, independents=25, networks=5, days=4)
    hand = (Path(__file__).parent / "data" / "hand_ads.jsonl").read_text(encoding="utf-8")
    write_ad_world(world, tmp_path / "world")
    for licences in sorted((tmp_path / "world" / "ads" / "licences").glob("*.csv")):
        import_licences(licences, municipality=licences.stem, engine=engine, cipher=cipher)
    last = max(ad["posted_at"][:10] for ad in world.ads)
    lines = (tmp_path / "world" / "ads" / "synthplatform.jsonl").read_text().splitlines()
    days = [
        [line for line in lines if json.loads(line)["posted_at"][:10] < last] + hand.splitlines(),
        [line for line in lines if json.loads(line)["posted_at"][:10] == last],
    ]
    files = []
    for number, day in enumerate(days):
        files.append(tmp_path / f"day{number}.jsonl")
        files[-1].write_text("\n".join(day) + "\n", encoding="utf-8")

    Output = tuple[list[dict[str, str]], set[frozenset[str]], list[dict[str, str]]]

    def run(size: int, processes: int = 1) -> list[Output]:
        _wipe_ads(engine)
        outputs = []
        for number, path in enumerate(files):
            out = tmp_path / f"out-{size}-{processes}-{number}"
            screen_file(path, platform="synthplatform", engine=engine, cipher=cipher, out=out,
                        chunk_size=size, workers=processes)  # fmt: skip
            with Session(engine) as session:
                stored = [{"ad_id": r.ad_id, "cluster_id": str(r.cluster_id)}
                          for r in session.execute(select(AdRow)).scalars()]  # fmt: skip
            links = _csv(out / "cluster_evidence.csv")
            outputs.append((_csv(out / "screening.csv"), _partition(stored), links))
        return outputs

    whole = run(10_000)
    screened, operators, _ = whole[-1]
    assert len(screened) == len(days[1]) and len({len(group) for group in operators}) > 2
    flags = {flag for rows, _, _ in whole for row in rows for flag in row["flags"].split(";")}
    kinds = {link["kind"] for _, _, found in whole for link in found}
    assert kinds == {"phone", "email", "template", "image"}
    assert {"licence_shared", "licence_not_active", "licence_unknown"} <= flags
    if words_cache is not None:
        monkeypatch.setattr(_screen, "_WORDS_CACHE", words_cache)
    assert run(chunk_size, workers) == whole


def test_chunks_and_days_give_the_links_the_second_question_refuses_in_one_run(
    engine: Engine, cipher: Cipher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contact-free world in which the template rule's second question (weighed by the
    other candidates) refuses plain-passing pairs: screened at once, in chunks of 37 and
    of 7 in two worker processes, and one delivery per day, it gives the same operators
    and links. The refusals are counted where the rule is asked (none would leave the
    state the question reads untested)."""
    asked = {"calls": 0, "refused": 0}
    specific = _grouping.specific_similarity

    def counted(*args: Any) -> Fraction:
        share = specific(*args)
        asked["calls"] += 1
        asked["refused"] += share < TEMPLATE_SHARE
        return share

    monkeypatch.setattr(_grouping, "specific_similarity", counted)
    world = simulate_ads(2, independents=200, networks=20, days=4, contacts=False)
    write_ad_world(world, tmp_path / "world")
    for licences in sorted((tmp_path / "world" / "ads" / "licences").glob("*.csv")):
        import_licences(licences, municipality=licences.stem, engine=engine, cipher=cipher)
    lines = (tmp_path / "world" / "ads" / "synthplatform.jsonl").read_text().splitlines()
    by_day: dict[str, list[str]] = {}
    for line in lines:
        by_day.setdefault(json.loads(line)["posted_at"][:10], []).append(line)

    def run(name: str, deliveries: list[list[str]], size: int, processes: int = 1) -> object:
        _wipe_ads(engine)
        links: list[dict[str, str]] = []
        for number, delivery in enumerate(deliveries):
            path = tmp_path / f"{name}{number}.jsonl"
            path.write_text("\n".join(delivery) + "\n", encoding="utf-8")
            out = tmp_path / f"out-{name}{number}"
            screen_file(path, platform="synthplatform", engine=engine, cipher=cipher, out=out,
                        chunk_size=size, workers=processes)  # fmt: skip
            links += _csv(out / "cluster_evidence.csv")
        with Session(engine) as session:
            stored = [{"ad_id": r.ad_id, "cluster_id": str(r.cluster_id)}
                      for r in session.execute(select(AdRow)).scalars()]  # fmt: skip
        return _partition(stored), sorted(tuple(sorted(link.items())) for link in links)

    whole = run("whole", [lines], 10_000)
    assert asked["refused"] > 0 and len(by_day) > 2
    assert run("chunks", [lines], 37) == whole
    assert run("workers", [lines], 7, 2) == whole
    assert run("days", [by_day[day] for day in sorted(by_day)], 10_000) == whole
