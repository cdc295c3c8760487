"""The channel end to end on each database: file, come back, talk, triage, register,
purge and count; the rules refuse what they should and write nothing then."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update

from tests.reporting.conftest import PASSWORDS, Channel
from zicht.access import Actor, Look, search
from zicht.privacy import Cipher, PublicationPolicy, generate_key
from zicht.reporting import (
    NewReport,
    RateLimited,
    RegistrationFacts,
    ReportingError,
    WorkError,
    WrongPassword,
    answer_report,
    close_report,
    draft_page,
    flag_urgent,
    information_pages,
    open_conversation,
    purge_expired,
    read_report,
    refer_report,
    register_report,
    reply_as_reporter,
    reporting_counts,
    review_page,
    submit_report,
    triage_queue,
    unlock_key,
)
from zicht.store import RECORD_TABLES
from zicht.store.reporting import ReportMessageRow, ReportRow

WHAT = "Wij werken 14 uur per dag in de kas"


def _file(channel: Channel, audience: str = "worker", **values: str) -> tuple[str, int]:
    challenge, nonce = channel.work()
    new = NewReport(audience=audience, language=values.pop("language", "pl"), what=WHAT, **values)
    receipt = submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    return receipt.grouped, receipt.report_id


def _look(channel: Channel, organisation: str) -> Look:
    return Look(Actor(channel.handlers[organisation].name), "triage of a new report")


def test_a_report_goes_to_its_coordinator_and_only_its_key_reads_it(channel: Channel) -> None:
    _, report_id = _file(channel, "worker", contact="via the shop")
    fairwork, comensha = channel.handlers["fairwork"], channel.handlers["comensha"]
    assert [e.id for e in triage_queue(channel.engine, fairwork)] == [report_id]
    assert triage_queue(channel.engine, comensha) == []
    key = unlock_key(channel.engine, "fairwork", fairwork.id, PASSWORDS["fairwork"])
    view = read_report(channel.engine, fairwork, key, report_id, _look(channel, "fairwork"))
    assert view.answers["what"] == WHAT and view.answers["contact"] == "via the shop"
    looks, total = search(channel.engine, action="view_report")
    assert total == 1 and looks[0].actor == fairwork.name
    assert looks[0].purpose == "triage of a new report"
    other_key = unlock_key(channel.engine, "comensha", comensha.id, PASSWORDS["comensha"])
    with pytest.raises(ReportingError) as caught:  # outside CoMensha's scope: not found
        read_report(channel.engine, comensha, other_key, report_id, _look(channel, "comensha"))
    assert caught.value.rule == "not_found"
    with pytest.raises(WrongPassword):
        unlock_key(channel.engine, "fairwork", fairwork.id, "a wrong password here")


def test_the_database_holds_no_cleartext_and_no_receipt(channel: Channel) -> None:
    receipt, report_id = _file(channel, contact="+31 6 1234 5678")
    with channel.engine.connect() as connection:
        report = connection.execute(select(ReportRow).where(ReportRow.id == report_id)).one()
        messages = connection.execute(select(ReportMessageRow)).all()
    stored = b"".join(
        value if isinstance(value, bytes) else str(value).encode()
        for row in [report, *messages]
        for value in row
    )
    for secret in (WHAT, "+31 6 1234 5678", receipt.replace(" ", "")):
        assert secret.encode() not in stored


def test_come_back_talk_and_the_first_answer_time(channel: Channel) -> None:
    receipt, report_id = _file(channel, passphrase="zonnebloem")
    with pytest.raises(ReportingError):  # the receipt alone does not open it
        open_conversation(channel.engine, channel.policy, receipt)
    conversation = open_conversation(channel.engine, channel.policy, receipt, "zonnebloem")
    assert [(m.author, m.text) for m in conversation.messages] == [("reporter", WHAT)]
    fairwork = channel.handlers["fairwork"]
    answer_report(channel.engine, fairwork, report_id, "Bent u nu veilig?")
    after = reply_as_reporter(
        channel.engine, channel.policy, receipt, "zonnebloem", "Ja, vandaag wel"
    )
    assert [m.text for m in after.messages] == [WHAT, "Bent u nu veilig?", "Ja, vandaag wel"]
    entry = triage_queue(channel.engine, fairwork)[0]
    assert entry.status == "in_progress" and entry.first_answer_at is not None


def test_a_spent_or_missing_proof_of_work_files_nothing(channel: Channel) -> None:
    challenge, nonce = channel.work()
    new = NewReport(audience="victim", language="uk", what=WHAT)
    submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    with pytest.raises(WorkError) as spent:
        submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    assert spent.value.rule == "spent"
    with pytest.raises(WorkError):
        submit_report(channel.engine, channel.policy, new, challenge="forged", nonce="1")
    with channel.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ReportRow)).scalar() == 1


def test_messages_are_limited_per_receipt(channel: Channel) -> None:
    from dataclasses import replace

    policy = replace(channel.policy, messages_per_hour=3)  # the report itself is the first
    receipt, _ = _file(channel)
    other, _ = _file(channel)
    reply_as_reporter(channel.engine, policy, receipt, "", "twee")
    reply_as_reporter(channel.engine, policy, receipt, "", "drie")
    with pytest.raises(RateLimited):
        reply_as_reporter(channel.engine, policy, receipt, "", "vier")
    reply_as_reporter(channel.engine, policy, other, "", "een ander bonnetje")  # not limited


def test_urgent_first_referral_and_closing(channel: Channel) -> None:
    comensha = channel.handlers["comensha"]
    _, first = _file(channel, "victim")
    _, second = _file(channel, "witness")
    flag_urgent(channel.engine, comensha, second, True)
    assert [e.id for e in triage_queue(channel.engine, comensha)] == [second, first]
    refer_report(channel.engine, comensha, second, "police")
    with pytest.raises(ReportingError):
        refer_report(channel.engine, comensha, first, "the press")
    close_report(channel.engine, comensha, first, "advice")
    closed = triage_queue(channel.engine, comensha, closed=True)
    assert [(e.id, e.status) for e in closed] == [(first, "closed")]
    counts = reporting_counts(channel.engine, PublicationPolicy(k=1))
    assert counts.by["outcome"] == {"advice": 1, "referred": 1}
    assert counts.by["audience"] == {"victim": 1, "witness": 1}


def test_registration_needs_consent_and_goes_through_the_standard(channel: Channel) -> None:
    cipher = Cipher(generate_key())
    comensha = channel.handlers["comensha"]
    _, report_id = _file(channel, "victim")
    table = RECORD_TABLES["victim_registration"]

    def registrations() -> int:
        with channel.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

    facts = RegistrationFacts(forms=("sexual_domestic",), gender="female", age=19)
    with pytest.raises(ReportingError) as refused:
        register_report(channel.engine, cipher, comensha, report_id, facts)
    assert refused.value.rule == "consent" and registrations() == 0
    bad = RegistrationFacts(forms=("slavery",), consent=True)
    with pytest.raises(ReportingError) as wrong_form:
        register_report(channel.engine, cipher, comensha, report_id, bad)
    assert wrong_form.value.rule == "forms" and registrations() == 0
    consented = RegistrationFacts(forms=("sexual_domestic",), gender="female", consent=True)
    register_report(channel.engine, cipher, comensha, report_id, consented)
    assert registrations() == 1
    with channel.engine.connect() as connection:
        row = connection.execute(select(table.source, table.source_record_id)).one()
        report = connection.execute(select(ReportRow).where(ReportRow.id == report_id)).one()
    assert tuple(row) == ("comensha", f"meld-{report_id}")
    assert report.status == "registered" and report.consent_at is not None


def test_retention_deletes_only_what_nobody_took_on(channel: Channel) -> None:
    fairwork = channel.handlers["fairwork"]
    _, untouched = _file(channel)
    _, handled = _file(channel)
    _, recent = _file(channel)
    answer_report(channel.engine, fairwork, handled, "We nemen dit op.")
    old = dt.datetime(2020, 1, 1)
    with channel.engine.begin() as connection:
        connection.execute(
            update(ReportRow)
            .where(ReportRow.id.in_([untouched, handled]))
            .values(last_activity_at=old)
        )
    assert purge_expired(channel.engine, channel.policy) == 1
    with channel.engine.connect() as connection:
        left = set(connection.execute(select(ReportRow.id)).scalars())
        orphans = connection.execute(
            select(func.count())
            .select_from(ReportMessageRow)
            .where(ReportMessageRow.report_id == untouched)
        ).scalar()
    assert left == {handled, recent} and orphans == 0


def test_counts_pass_the_publication_policy(channel: Channel) -> None:
    for language in ("pl", "pl", "ro"):
        _file(channel, language=language)
    published = reporting_counts(channel.engine)  # k = 10: every cell below it is hidden
    assert published.total is None and published.by["language"] == {"pl": None, "ro": None}
    exact = reporting_counts(channel.engine, PublicationPolicy(k=1))
    assert exact.total == 3 and exact.by["language"] == {"pl": 2, "ro": 1}
    assert exact.answered == 0 and exact.median_hours_to_answer is None


def test_counts_of_one_year_count_the_reports_filed_in_it(channel: Channel) -> None:
    for language in ("pl", "pl", "ro"):
        _file(channel, language=language)
    with channel.engine.begin() as connection:
        connection.execute(
            text("UPDATE reporting_report SET created_at = :at WHERE language = 'ro'"),
            {"at": dt.datetime(2025, 6, 1, 12)},
        )
    exact = PublicationPolicy(k=1)
    this_year = dt.datetime.now(dt.UTC).year
    assert reporting_counts(channel.engine, exact, year=2025).total == 1
    assert reporting_counts(channel.engine, exact, year=this_year).by["language"] == {"pl": 2}
    assert reporting_counts(channel.engine, exact, year=2024).total == 0


def test_an_information_page_shows_only_after_another_reviewed_it(channel: Channel) -> None:
    comensha, fairwork = channel.handlers["comensha"], channel.handlers["fairwork"]
    page = draft_page(
        channel.engine, comensha, "client", "client", "nl", "# Let op\n<script>x</script>"
    )
    assert information_pages(channel.engine, "client", "nl") == []
    with pytest.raises(ReportingError) as own:
        review_page(channel.engine, comensha, page, True)
    assert own.value.rule == "own_page"
    review_page(channel.engine, fairwork, page, True)
    [shown] = information_pages(channel.engine, "client", "nl")
    assert "<h1>Let op</h1>" in shown.html and "<script>" not in shown.html


def test_an_attachment_is_stored_stripped_and_opened_with_the_key(channel: Channel) -> None:
    import io

    from PIL import Image

    from zicht.reporting import read_attachment

    image = Image.new("RGB", (12, 12), "blue")
    exif = image.getexif()
    exif[0x010F] = "SynthCamMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    challenge, nonce = channel.work()
    new = NewReport(audience="client", language="ro", what=WHAT, attachments=[buffer.getvalue()])
    receipt = submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    comensha = channel.handlers["comensha"]
    key = unlock_key(channel.engine, "comensha", comensha.id, PASSWORDS["comensha"])
    view = read_report(channel.engine, comensha, key, receipt.report_id, _look(channel, "comensha"))
    [(attachment_id, media_type, _)] = view.attachments
    opened = read_attachment(
        channel.engine, comensha, key, receipt.report_id, attachment_id, _look(channel, "comensha")
    )
    assert opened[0] == media_type == "image/jpeg"
    assert b"SynthCamMaker" not in opened[1]
    assert Image.open(io.BytesIO(opened[1])).size == (12, 12)
    _, total = search(channel.engine, action="view_report_attachment")
    assert total == 1
    with pytest.raises(ReportingError):
        read_attachment(
            channel.engine, comensha, key, receipt.report_id, 999, _look(channel, "comensha")
        )
