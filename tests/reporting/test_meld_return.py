"""The way back under a failing database: a return visit (the receipt opens the
conversation) or a reply that meets a database error is the way-back page again, status
503, with "try again later" in the reporter's language; not a 500, nothing kept of the
attempt, and neither the receipt, the message nor the database's message in the page or
the log. The oracle for the text is the language's .po file, not the code."""

from __future__ import annotations

import html
from pathlib import Path
from unittest import mock

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from tests.reporting.conftest import Channel
from tests.reporting.test_meld_submission import _client
from zicht.privacy import Cipher
from zicht.reporting import NewReport, finish_pending, open_conversation, submit_report
from zicht.store.reporting import ReportMessageRow, ReportRow

UNAVAILABLE = (
    "We cannot open your conversation right now. Please try again later. In danger now? Call 112."
)
NOT_FOUND = (
    "We found no report with this receipt number and extra password. Check them and try again."
)
LOCALE = Path(__file__).resolve().parents[2] / "src" / "zicht" / "locale"
WHAT = "Synthetisch: de baas houdt ons loon in"
REPLY = "Synthetisch: wanneer kunt u bellen?"
PASSPHRASE = "zonnebloem"


def _catalogue_text(lang: str, msgid: str) -> str:
    with (LOCALE / lang / "LC_MESSAGES" / "meld.po").open("rb") as handle:
        message = read_po(handle).get(msgid)
    assert message is not None and message.string, (lang, msgid)
    return str(message.string)


def _file(channel: Channel) -> tuple[str, int]:
    challenge, nonce = channel.work()
    new = NewReport(audience="victim", language="nl", what=WHAT, passphrase=PASSPHRASE)
    receipt = submit_report(channel.engine, channel.policy, new, challenge=challenge, nonce=nonce)
    return receipt.number, receipt.report_id


def _state(engine: Engine) -> tuple[int, list[str]]:
    with engine.connect() as connection:
        messages = connection.execute(
            select(func.count()).select_from(ReportMessageRow)
        ).scalar_one()
        lookups = connection.execute(select(ReportRow.lookup).order_by(ReportRow.id)).scalars()
        return int(messages), [str(lookup) for lookup in lookups]


def _locked(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("UPDATE", {}, Exception("database is locked"))


def _assert_try_again_page(status: int, text: str, lang: str, receipt: str) -> None:
    page = html.unescape(text)
    assert status == 503
    assert _catalogue_text(lang, UNAVAILABLE) in page
    assert _catalogue_text(lang, NOT_FOUND) not in page  # not "no such report"
    assert receipt not in page and PASSPHRASE not in page  # nothing put back in the page
    assert "database is locked" not in page


@pytest.mark.parametrize("stage", ["finished", "pending"])
@pytest.mark.parametrize("lang", ["nl", "uk"])
def test_a_database_error_on_a_return_visit_is_a_try_again_page(
    channel: Channel,
    cipher: Cipher,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    stage: str,
) -> None:
    receipt, report_id = _file(channel)
    if stage == "finished":  # the lookup read fails
        assert finish_pending(channel.engine, channel.policy, [report_id]) == 1
        failing = "zicht.store.reporting.report_by_lookup"
    else:  # the visit's own finishing write fails
        failing = "zicht.store.reporting.finish_pending_report"
    before = _state(channel.engine)
    client = _client(channel, cipher, tmp_path)
    caplog.set_level("DEBUG")
    with mock.patch(failing, _locked):
        response = client.post(
            f"/meld/{lang}/back", data={"receipt": receipt, "passphrase": PASSPHRASE}
        )
    _assert_try_again_page(response.status_code, response.text, lang, receipt)
    assert _state(channel.engine) == before  # nothing kept: a pending report stays pending
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert receipt not in logged and PASSPHRASE not in logged
    # The database is back: the same receipt opens the conversation.
    again = client.post(f"/meld/{lang}/back", data={"receipt": receipt, "passphrase": PASSPHRASE})
    assert again.status_code == 200 and WHAT in html.unescape(again.text)


def test_a_database_error_on_a_reply_keeps_no_message(
    channel: Channel, cipher: Cipher, tmp_path: Path
) -> None:
    receipt, report_id = _file(channel)
    assert finish_pending(channel.engine, channel.policy, [report_id]) == 1
    before = _state(channel.engine)
    client = _client(channel, cipher, tmp_path)
    with mock.patch("zicht.store.reporting.insert_message", _locked):
        response = client.post(
            "/meld/pl/reply", data={"receipt": receipt, "passphrase": PASSPHRASE, "message": REPLY}
        )
    _assert_try_again_page(response.status_code, response.text, "pl", receipt)
    assert REPLY not in html.unescape(response.text)
    assert _state(channel.engine) == before
    conversation = open_conversation(channel.engine, channel.policy, receipt, PASSPHRASE)
    assert [message.text for message in conversation.messages] == [WHAT]
